// kiln-resvg-host: runs resvg-js's prebuilt N-API module (resvgjs.linux-x64-gnu.node) without Node.js.
//
// It implements the 45 N-API functions the module imports, over a tiny value model (objects, functions,
// classes, buffers, strings, numbers), loads the module, then confines itself (no new privileges, Landlock:
// read-only access to the font files' directory and nothing else, seccomp: an allow-list without sockets,
// exec or fork, an address-space limit) and serves renders on stdin/stdout, one at a time.
//
// Protocol (all integers little-endian):
//   ready:    "KRH1"
//   request:  "KRQ1" u32 svgLen u32 optionsLen u32 fitWidth (0: the SVG's own) u64 maxPixels, svg bytes, options
//             JSON bytes (resvg-js options; fitTo must agree with fitWidth)
//   response: "KRS1" u32 status; status 0: u32 width u32 height u32 byteLen, premultiplied RGBA bytes;
//             status 1 (the document was refused), 2 (over maxPixels): u32 len, UTF-8 message
// Values made while serving a request are freed after its response, with their finalizers run.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <signal.h>
#include <unistd.h>

#define RENDER_NICE 10

typedef enum {
    napi_ok, napi_invalid_arg, napi_object_expected, napi_string_expected, napi_name_expected,
    napi_function_expected, napi_number_expected, napi_boolean_expected, napi_array_expected,
    napi_generic_failure, napi_pending_exception, napi_cancelled, napi_escape_called_twice
} napi_status;
typedef enum {
    napi_undefined, napi_null, napi_boolean, napi_number, napi_string, napi_symbol, napi_object,
    napi_function, napi_external, napi_bigint
} napi_valuetype;

typedef struct val val;
typedef struct env_s { int unused; } *napi_env;
typedef val *napi_value;
typedef struct ref_s *napi_ref;
typedef struct cbinfo_s *napi_callback_info;
typedef napi_value (*napi_callback)(napi_env, napi_callback_info);
typedef void (*napi_finalize)(napi_env, void *, void *);
typedef struct {
    const char *utf8name;
    napi_value name;
    napi_callback method, getter, setter;
    napi_value value;
    int attributes;
    void *data;
} napi_property_descriptor;
#define NAPI_STATIC (1 << 10)
#define NAPI_AUTO_LENGTH SIZE_MAX

typedef struct {
    char *name;
    val *value;
    napi_callback getter, setter;
    void *data;
} prop;

enum kind { K_PRIM, K_OBJECT, K_FUNCTION, K_BUFFER, K_ARRAY };

struct val {
    napi_valuetype type;
    enum kind kind;
    int dying;
    double num;
    int boolean;
    char *str;
    size_t len;
    prop *props;
    int nprops, cprops;
    val *proto;
    napi_callback cb;
    void *cbdata;
    void *wrapped;
    napi_finalize wrap_fin;
    void *wrap_hint;
    void *bdata;
    size_t blen;
    napi_finalize buf_fin;
    void *buf_hint;
    int buf_owned;
    val **elems;
    uint32_t nelems;
    val *next;
};

struct ref_s {
    val *value;
    uint32_t count;
    struct ref_s *prev, *next;
};

struct cbinfo_s {
    val *this_arg;
    size_t argc;
    val **argv;
    void *data;
};

static struct env_s the_env;
static napi_env env = &the_env;
static val v_undefined = {.type = napi_undefined};
static val *global_obj;
static val *pending;
static int init_phase = 1;
static val *request_values;
static struct ref_s *refs;

static void die(const char *what) {
    fprintf(stderr, "kiln-resvg-host: %s\n", what);
    _exit(70);
}

// Out of memory under the address-space limit: abort, as Rust's allocator does, so the parent reads SIGABRT.
static void *xcalloc(size_t n, size_t s) {
    void *p = calloc(n, s);
    if (!p) abort();
    return p;
}

static val *new_val(napi_valuetype type, enum kind kind) {
    val *v = xcalloc(1, sizeof(val));
    v->type = type;
    v->kind = kind;
    if (!init_phase) {  // values of the module's registration live as long as the process
        v->next = request_values;
        request_values = v;
    }
    return v;
}

static val *new_string(const char *s, size_t len) {
    val *v = new_val(napi_string, K_PRIM);
    v->str = xcalloc(len + 1, 1);
    memcpy(v->str, s, len);
    v->len = len;
    return v;
}

static val *new_object(void) { return new_val(napi_object, K_OBJECT); }

static prop *find_own(val *o, const char *name) {
    for (int i = 0; i < o->nprops; i++)
        if (strcmp(o->props[i].name, name) == 0) return &o->props[i];
    return NULL;
}

static prop *find_prop(val *o, const char *name) {
    for (val *p = o; p; p = p->proto) {
        if (p->kind == K_PRIM) return NULL;
        prop *f = find_own(p, name);
        if (f) return f;
    }
    return NULL;
}

static prop *add_prop(val *o, const char *name) {
    prop *f = find_own(o, name);
    if (f) return f;
    if (o->nprops == o->cprops) {
        o->cprops = o->cprops ? o->cprops * 2 : 4;
        o->props = realloc(o->props, o->cprops * sizeof(prop));
        if (!o->props) abort();
    }
    f = &o->props[o->nprops++];
    memset(f, 0, sizeof(*f));
    f->name = strdup(name);
    return f;
}

static int is_object(val *v) { return v && (v->type == napi_object || v->type == napi_function); }

static val *call(val *fn, val *this_arg, size_t argc, val **argv, void *data) {
    struct cbinfo_s info = {this_arg, argc, argv, data};
    val *r = fn->cb(env, &info);
    return r ? r : &v_undefined;
}

static val *get_property(val *o, const char *name) {
    prop *f = find_prop(o, name);
    if (!f) return &v_undefined;
    if (f->getter) {
        struct cbinfo_s info = {o, 0, NULL, f->data};
        val *r = f->getter(env, &info);
        return r ? r : &v_undefined;
    }
    return f->value ? f->value : &v_undefined;
}

// ---- the N-API functions resvgjs.linux-x64-gnu.node imports ----

#define API __attribute__((visibility("default")))
#define CHECK(c) do { if (!(c)) return napi_invalid_arg; } while (0)

API napi_status napi_get_undefined(napi_env e, napi_value *r) { CHECK(r); *r = &v_undefined; return napi_ok; }
API napi_status napi_get_global(napi_env e, napi_value *r) { CHECK(r); *r = global_obj; return napi_ok; }

API napi_status napi_typeof(napi_env e, napi_value v, napi_valuetype *r) {
    CHECK(v && r);
    *r = v->type;
    return napi_ok;
}

API napi_status napi_create_object(napi_env e, napi_value *r) { CHECK(r); *r = new_object(); return napi_ok; }

API napi_status napi_create_array_with_length(napi_env e, size_t n, napi_value *r) {
    CHECK(r);
    val *a = new_val(napi_object, K_ARRAY);
    a->elems = xcalloc(n ? n : 1, sizeof(val *));
    a->nelems = (uint32_t) n;
    for (size_t i = 0; i < n; i++) a->elems[i] = &v_undefined;
    *r = a;
    return napi_ok;
}

API napi_status napi_set_element(napi_env e, napi_value o, uint32_t i, napi_value v) {
    CHECK(o && v);
    if (o->kind != K_ARRAY) return napi_array_expected;
    if (i >= o->nelems) {
        o->elems = realloc(o->elems, (i + 1) * sizeof(val *));
        if (!o->elems) abort();
        for (uint32_t k = o->nelems; k <= i; k++) o->elems[k] = &v_undefined;
        o->nelems = i + 1;
    }
    o->elems[i] = v;
    return napi_ok;
}

API napi_status napi_create_string_utf8(napi_env e, const char *s, size_t len, napi_value *r) {
    CHECK(r && (s || len == 0));
    if (len == NAPI_AUTO_LENGTH) len = strlen(s);
    *r = new_string(s ? s : "", len);
    return napi_ok;
}

API napi_status napi_get_value_string_utf8(napi_env e, napi_value v, char *buf, size_t size, size_t *r) {
    CHECK(v);
    if (v->type != napi_string) return napi_string_expected;
    if (!buf) {
        CHECK(r);
        *r = v->len;
        return napi_ok;
    }
    size_t n = 0;
    if (size > 0) {
        n = v->len < size - 1 ? v->len : size - 1;
        memcpy(buf, v->str, n);
        buf[n] = 0;
    }
    if (r) *r = n;
    return napi_ok;
}

API napi_status napi_coerce_to_string(napi_env e, napi_value v, napi_value *r) {
    CHECK(v && r);
    char tmp[64];
    switch (v->type) {
        case napi_string: *r = v; return napi_ok;
        case napi_number: snprintf(tmp, sizeof tmp, "%.17g", v->num); break;
        case napi_boolean: snprintf(tmp, sizeof tmp, "%s", v->boolean ? "true" : "false"); break;
        case napi_undefined: snprintf(tmp, sizeof tmp, "undefined"); break;
        case napi_null: snprintf(tmp, sizeof tmp, "null"); break;
        default: {
            val *m = get_property(v, "message");
            if (m->type == napi_string) { *r = m; return napi_ok; }
            snprintf(tmp, sizeof tmp, "[object Object]");
        }
    }
    *r = new_string(tmp, strlen(tmp));
    return napi_ok;
}

API napi_status napi_create_double(napi_env e, double d, napi_value *r) {
    CHECK(r);
    val *v = new_val(napi_number, K_PRIM);
    v->num = d;
    *r = v;
    return napi_ok;
}

API napi_status napi_create_uint32(napi_env e, uint32_t u, napi_value *r) { return napi_create_double(e, u, r); }

API napi_status napi_get_value_double(napi_env e, napi_value v, double *r) {
    CHECK(v && r);
    if (v->type != napi_number) return napi_number_expected;
    *r = v->num;
    return napi_ok;
}

API napi_status napi_get_named_property(napi_env e, napi_value o, const char *name, napi_value *r) {
    CHECK(o && name && r);
    if (!is_object(o)) return napi_object_expected;
    *r = get_property(o, name);
    return napi_ok;
}

API napi_status napi_set_named_property(napi_env e, napi_value o, const char *name, napi_value v) {
    CHECK(o && name && v);
    if (!is_object(o)) return napi_object_expected;
    prop *f = find_prop(o, name);
    if (f && f->setter) {
        val *argv[1] = {v};
        struct cbinfo_s info = {o, 1, argv, f->data};
        f->setter(env, &info);
        return napi_ok;
    }
    add_prop(o, name)->value = v;
    return napi_ok;
}

static val *new_function(const char *name, size_t len, napi_callback cb, void *data) {
    val *f = new_val(napi_function, K_FUNCTION);
    f->cb = cb;
    f->cbdata = data;
    if (name) {
        if (len == NAPI_AUTO_LENGTH) len = strlen(name);
        add_prop(f, "name")->value = new_string(name, len);
    }
    return f;
}

API napi_status napi_create_function(napi_env e, const char *name, size_t len, napi_callback cb, void *data,
                                     napi_value *r) {
    CHECK(cb && r);
    *r = new_function(name, len, cb, data);
    return napi_ok;
}

API napi_status napi_define_class(napi_env e, const char *name, size_t len, napi_callback ctor, void *data,
                                  size_t n, const napi_property_descriptor *props, napi_value *r) {
    CHECK(ctor && r && (n == 0 || props));
    val *cls = new_function(name, len, ctor, data);
    val *proto = new_object();
    add_prop(cls, "prototype")->value = proto;
    add_prop(proto, "constructor")->value = cls;
    for (size_t i = 0; i < n; i++) {
        const napi_property_descriptor *d = &props[i];
        const char *pname = d->utf8name;
        if (!pname && d->name && d->name->type == napi_string) pname = d->name->str;
        if (!pname) return napi_name_expected;
        val *target = (d->attributes & NAPI_STATIC) ? cls : proto;
        prop *f = add_prop(target, pname);
        if (d->getter || d->setter) {
            f->getter = d->getter;
            f->setter = d->setter;
            f->data = d->data;
        } else if (d->method) {
            f->value = new_function(pname, NAPI_AUTO_LENGTH, d->method, d->data);
        } else {
            f->value = d->value ? d->value : &v_undefined;
        }
    }
    *r = cls;
    return napi_ok;
}

API napi_status napi_get_cb_info(napi_env e, napi_callback_info info, size_t *argc, napi_value *argv,
                                 napi_value *this_arg, void **data) {
    CHECK(info);
    if (argv) {
        CHECK(argc);
        for (size_t i = 0; i < *argc; i++) argv[i] = i < info->argc ? info->argv[i] : &v_undefined;
    }
    if (argc) *argc = info->argc;
    if (this_arg) *this_arg = info->this_arg;
    if (data) *data = info->data;
    return napi_ok;
}

API napi_status napi_call_function(napi_env e, napi_value recv, napi_value fn, size_t argc, const napi_value *argv,
                                   napi_value *r) {
    CHECK(fn && (argc == 0 || argv));
    if (fn->kind != K_FUNCTION) return napi_function_expected;
    if (pending) return napi_pending_exception;
    val *out = call(fn, recv ? recv : &v_undefined, argc, (val **) argv, fn->cbdata);
    if (pending) return napi_pending_exception;
    if (r) *r = out;
    return napi_ok;
}

API napi_status napi_new_instance(napi_env e, napi_value cls, size_t argc, const napi_value *argv, napi_value *r) {
    CHECK(cls && r && (argc == 0 || argv));
    if (cls->kind != K_FUNCTION) return napi_function_expected;
    val *o = new_object();
    val *proto = get_property(cls, "prototype");
    o->proto = is_object(proto) ? proto : NULL;
    val *out = call(cls, o, argc, (val **) argv, cls->cbdata);
    if (pending) return napi_pending_exception;
    *r = is_object(out) ? out : o;
    return napi_ok;
}

API napi_status napi_wrap(napi_env e, napi_value o, void *native, napi_finalize fin, void *hint, napi_ref *r);
API napi_status napi_create_reference(napi_env e, napi_value v, uint32_t count, napi_ref *r) {
    CHECK(v && r);
    struct ref_s *ref = xcalloc(1, sizeof(*ref));
    ref->value = v;
    ref->count = count;
    ref->next = refs;
    if (refs) refs->prev = ref;
    refs = ref;
    *r = ref;
    return napi_ok;
}

API napi_status napi_delete_reference(napi_env e, napi_ref ref) {
    CHECK(ref);
    if (ref->prev) ref->prev->next = ref->next; else refs = ref->next;
    if (ref->next) ref->next->prev = ref->prev;
    free(ref);
    return napi_ok;
}

API napi_status napi_reference_unref(napi_env e, napi_ref ref, uint32_t *r) {
    CHECK(ref);
    if (ref->count == 0) return napi_generic_failure;
    ref->count--;
    if (r) *r = ref->count;
    return napi_ok;
}

API napi_status napi_get_reference_value(napi_env e, napi_ref ref, napi_value *r) {
    CHECK(ref && r);
    *r = ref->value;  // NULL once the value is gone, as N-API answers for a collected weak reference
    return napi_ok;
}

API napi_status napi_wrap(napi_env e, napi_value o, void *native, napi_finalize fin, void *hint, napi_ref *r) {
    CHECK(o && native);
    if (!is_object(o)) return napi_object_expected;
    if (o->wrapped) return napi_invalid_arg;
    o->wrapped = native;
    o->wrap_fin = fin;
    o->wrap_hint = hint;
    if (r) return napi_create_reference(e, o, 0, r);
    return napi_ok;
}

API napi_status napi_unwrap(napi_env e, napi_value o, void **r) {
    CHECK(o && r);
    if (!is_object(o) || !o->wrapped) return napi_invalid_arg;
    *r = o->wrapped;
    return napi_ok;
}

API napi_status napi_create_buffer(napi_env e, size_t n, void **data, napi_value *r) {
    CHECK(r);
    val *b = new_val(napi_object, K_BUFFER);
    b->bdata = calloc(n ? n : 1, 1);
    if (!b->bdata) return napi_generic_failure;
    b->blen = n;
    b->buf_owned = 1;
    if (data) *data = b->bdata;
    *r = b;
    return napi_ok;
}

API napi_status napi_create_buffer_copy(napi_env e, size_t n, const void *src, void **data, napi_value *r) {
    napi_status s = napi_create_buffer(e, n, data, r);
    if (s == napi_ok && n) memcpy((*r)->bdata, src, n);
    return s;
}

API napi_status napi_create_external_buffer(napi_env e, size_t n, void *data, napi_finalize fin, void *hint,
                                            napi_value *r) {
    CHECK(r);
    val *b = new_val(napi_object, K_BUFFER);
    b->bdata = data;
    b->blen = n;
    b->buf_fin = fin;
    b->buf_hint = hint;
    *r = b;
    return napi_ok;
}

API napi_status napi_is_buffer(napi_env e, napi_value v, int *r) {  // bool* in node_api.h; bool is one byte
    CHECK(v && r);
    *(unsigned char *) r = v->kind == K_BUFFER;
    return napi_ok;
}

API napi_status napi_get_buffer_info(napi_env e, napi_value v, void **data, size_t *len) {
    CHECK(v);
    if (v->kind != K_BUFFER) return napi_invalid_arg;
    if (data) *data = v->bdata;
    if (len) *len = v->blen;
    return napi_ok;
}

static val *make_error(val *code, val *msg) {
    val *err = new_object();
    add_prop(err, "message")->value = msg ? msg : new_string("", 0);
    if (code) add_prop(err, "code")->value = code;
    return err;
}

API napi_status napi_create_error(napi_env e, napi_value code, napi_value msg, napi_value *r) {
    CHECK(msg && r);
    if (msg->type != napi_string) return napi_string_expected;
    *r = make_error(code, msg);
    return napi_ok;
}

API napi_status napi_throw(napi_env e, napi_value err) {
    CHECK(err);
    pending = err;
    return napi_ok;
}

API napi_status napi_throw_error(napi_env e, const char *code, const char *msg) {
    val *m = new_string(msg ? msg : "", msg ? strlen(msg) : 0);
    pending = make_error(code ? new_string(code, strlen(code)) : NULL, m);
    return napi_ok;
}

API napi_status napi_get_and_clear_last_exception(napi_env e, napi_value *r) {
    CHECK(r);
    *r = pending ? pending : &v_undefined;
    pending = NULL;
    return napi_ok;
}

API napi_status napi_add_env_cleanup_hook(napi_env e, void (*fun)(void *), void *arg) { return napi_ok; }

// Async work, promises and thread-safe functions: only renderAsync and cross-thread drops use them. A render on
// this host is synchronous on its one thread, so async work is refused; a thread-safe function (napi-rs makes
// one at start-up to drop values made on other threads) calls its callback at once.
typedef struct {
    void *context;
    void (*call_js)(napi_env, napi_value, void *, void *);
} tsfn;

API napi_status napi_create_threadsafe_function(napi_env e, napi_value fn, napi_value res, napi_value name,
                                                size_t max_queue, size_t threads, void *fin_data,
                                                napi_finalize fin, void *context,
                                                void (*call_js)(napi_env, napi_value, void *, void *),
                                                void **r) {
    CHECK(r);
    tsfn *t = xcalloc(1, sizeof(*t));
    t->context = context;
    t->call_js = call_js;
    *r = t;
    return napi_ok;
}

API napi_status napi_call_threadsafe_function(void *f, void *data, int blocking) {
    tsfn *t = f;
    if (!t) return napi_invalid_arg;
    if (t->call_js) t->call_js(env, NULL, t->context, data);
    return napi_ok;
}

API napi_status napi_unref_threadsafe_function(napi_env e, void *f) { return napi_ok; }
API napi_status napi_create_async_work(napi_env e, napi_value a, napi_value b, void *c, void *d, void *f, void **r) {
    return napi_generic_failure;
}
API napi_status napi_queue_async_work(napi_env e, void *w) { return napi_generic_failure; }
API napi_status napi_cancel_async_work(napi_env e, void *w) { return napi_generic_failure; }
API napi_status napi_delete_async_work(napi_env e, void *w) { return napi_ok; }
API napi_status napi_create_promise(napi_env e, void **deferred, napi_value *r) { return napi_generic_failure; }
API napi_status napi_resolve_deferred(napi_env e, void *d, napi_value v) { return napi_generic_failure; }
API napi_status napi_reject_deferred(napi_env e, void *d, napi_value v) { return napi_generic_failure; }

// ---- request lifetime ----

static void free_request_values(void) {
    // Finalizers may make values of their own: run them until no new value appears.
    val *dead = NULL;
    while (request_values) {
        val *batch = request_values;
        request_values = NULL;
        for (val *v = batch; v; v = v->next) {
            v->dying = 1;
            if (v->wrap_fin) { v->wrap_fin(env, v->wrapped, v->wrap_hint); v->wrap_fin = NULL; }
            if (v->buf_fin) { v->buf_fin(env, v->bdata, v->buf_hint); v->buf_fin = NULL; }
        }
        val *last = batch;
        while (last->next) last = last->next;
        last->next = dead;
        dead = batch;
    }
    for (struct ref_s *r = refs; r; r = r->next)
        if (r->value && r->value->dying) r->value = NULL;
    while (dead) {
        val *n = dead->next;
        for (int i = 0; i < dead->nprops; i++) free(dead->props[i].name);
        free(dead->props);
        free(dead->str);
        free(dead->elems);
        if (dead->buf_owned) free(dead->bdata);
        free(dead);
        dead = n;
    }
    pending = NULL;
}

// ---- confinement ----

static void confine(const char *font_dir, rlim_t max_address_space) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) die("no_new_privs");
    struct rlimit as = {max_address_space, max_address_space};
    if (max_address_space && setrlimit(RLIMIT_AS, &as)) die("RLIMIT_AS");
    struct rlimit nofile = {16, 16};
    setrlimit(RLIMIT_NOFILE, &nofile);
    struct rlimit nproc = {0, 0};
    setrlimit(RLIMIT_CORE, &nproc);

    // Landlock: every file-system access is handled, and only reading files under font_dir is allowed.
    int abi = (int) syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi >= 1) {
        struct landlock_ruleset_attr attr = {.handled_access_fs =
            LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
            LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
            LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
            LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
            LANDLOCK_ACCESS_FS_MAKE_SYM};
        int rs = (int) syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
        if (rs < 0) die("landlock_create_ruleset");
        if (font_dir && *font_dir) {
            int fd = open(font_dir, O_PATH | O_CLOEXEC);
            if (fd < 0) die("font directory");
            struct landlock_path_beneath_attr pb = {
                .allowed_access = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR, .parent_fd = fd};
            if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0)) die("landlock_add_rule");
            close(fd);
        }
        if (syscall(SYS_landlock_restrict_self, rs, 0)) die("landlock_restrict_self");
        close(rs);
    }

    // seccomp: an allow-list; anything else fails with EPERM (sockets, exec, fork, ptrace, ...).
#define ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xC000003E /* AUDIT_ARCH_X86_64 */, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        ALLOW(SYS_read), ALLOW(SYS_write), ALLOW(SYS_readv), ALLOW(SYS_writev), ALLOW(SYS_close),
        ALLOW(SYS_fstat), ALLOW(SYS_newfstatat), ALLOW(SYS_statx), ALLOW(SYS_lseek), ALLOW(SYS_pread64),
        ALLOW(SYS_openat), ALLOW(SYS_getdents64), ALLOW(SYS_mmap), ALLOW(SYS_munmap), ALLOW(SYS_mremap),
        ALLOW(SYS_mprotect), ALLOW(SYS_brk), ALLOW(SYS_madvise), ALLOW(SYS_futex), ALLOW(SYS_rt_sigaction),
        ALLOW(SYS_rt_sigprocmask), ALLOW(SYS_rt_sigreturn), ALLOW(SYS_sigaltstack), ALLOW(SYS_exit),
        ALLOW(SYS_exit_group), ALLOW(SYS_getrandom), ALLOW(SYS_clock_gettime), ALLOW(SYS_sched_yield),
        ALLOW(SYS_gettid), ALLOW(SYS_getpid), ALLOW(SYS_tgkill), ALLOW(SYS_fcntl), ALLOW(SYS_ioctl),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    };
    struct sock_fprog prog = {sizeof(filter) / sizeof(filter[0]), filter};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) die("seccomp");
}

extern void *__tls_get_addr(void *);

// ---- the pipe protocol ----

static void read_full(void *p, size_t n) {
    unsigned char *b = p;
    while (n) {
        ssize_t r = read(0, b, n);
        if (r == 0) _exit(0);
        if (r < 0) { if (errno == EINTR) continue; _exit(0); }
        b += r;
        n -= (size_t) r;
    }
}

static void write_full(const void *p, size_t n) {
    const unsigned char *b = p;
    while (n) {
        ssize_t r = write(1, b, n);
        if (r < 0) { if (errno == EINTR) continue; _exit(0); }
        b += r;
        n -= (size_t) r;
    }
}

static void reply_error(uint32_t status, const char *msg) {
    uint32_t head[3] = {0x3153524B /* KRS1 */, status, (uint32_t) strlen(msg)};
    write_full(head, sizeof head);
    write_full(msg, strlen(msg));
}

static void reply_exception(const char *fallback) {
    const char *msg = fallback;
    if (pending) {
        val *m = get_property(pending, "message");
        if (m->type == napi_string) msg = m->str;
    }
    reply_error(1, msg);
}

static double number_of(val *v) { return v->type == napi_number ? v->num : -1; }

// After confinement, tries what a hostile document would want and reports each outcome (SandboxTest reads it).
static void probe(int n, char **paths) {
    for (int i = 0; i < n; i++) {
        int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
        printf("open %s: %s\n", paths[i], fd >= 0 ? "ok" : strerror(errno));
        if (fd >= 0) close(fd);
    }
    int fd = open("probe-write", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    printf("create: %s\n", fd >= 0 ? "ok" : strerror(errno));
    long s = syscall(SYS_socket, 2 /* AF_INET */, 1 /* SOCK_STREAM */, 0);
    printf("socket: %s\n", s >= 0 ? "ok" : strerror(errno));
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    printf("fork: %s\n", pid > 0 ? "ok" : strerror(errno));
    char *args[] = {"/bin/true", NULL};
    execve("/bin/true", args, NULL);
    printf("execve: %s\n", strerror(errno));
    fflush(stdout);
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc < 4) die("usage: kiln-resvg-host MODULE.node FONT_DIR MAX_ADDRESS_SPACE_BYTES [--probe PATH...]");
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1) _exit(0);  // the parent died before the death signal was armed
    signal(SIGPIPE, SIG_IGN);
    global_obj = new_object();
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) die(dlerror());
    // glibc gives a dlopen'ed module its thread-local block on first use. Take it now: first used under the
    // address-space limit (Rust's allocation-failure path reads a thread-local), it would fail, and glibc would
    // exit with 127 instead of the abort that tells the parent the render ran out of memory.
    size_t tls_module = 0;
    if (dlinfo(lib, RTLD_DI_TLS_MODID, &tls_module) == 0 && tls_module != 0) {
        struct { size_t module, offset; } tls_index = {tls_module, 0};
        if (!__tls_get_addr(&tls_index)) die("thread-local storage");
    }
    napi_value (*reg)(napi_env, napi_value) = (napi_value (*)(napi_env, napi_value)) dlsym(lib, "napi_register_module_v1");
    if (!reg) die("napi_register_module_v1 not found");
    val *exports = new_object();
    val *ret = reg(env, exports);
    if (pending) die("module registration threw");
    if (is_object(ret)) exports = ret;
    val *resvg = get_property(exports, "Resvg");
    if (resvg->kind != K_FUNCTION) die("module has no Resvg class");
    val *render_fn = get_property(get_property(resvg, "prototype"), "render");
    if (render_fn->kind != K_FUNCTION) die("Resvg has no render method");
    init_phase = 0;

    // One render before confinement warms the code the first request would run.
    const char *warm_svg = "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'><rect width='4' height='4'/></svg>";
    val *warm_buf;
    napi_create_buffer_copy(env, strlen(warm_svg), warm_svg, NULL, &warm_buf);
    const char *warm_opts = "{\"font\":{\"loadSystemFonts\":false},\"logLevel\":\"off\"}";
    val *warm_args[2] = {warm_buf, new_string(warm_opts, strlen(warm_opts))};
    val *warm_doc = NULL;
    if (napi_new_instance(env, resvg, 2, warm_args, &warm_doc) != napi_ok || pending) die("warm-up parse failed");
    call(render_fn, warm_doc, 0, NULL, render_fn->cbdata);
    if (pending) die("warm-up render failed");
    free_request_values();

    // Renders run below the request path, as Kiln's render workers do (nice 10): rejections and probes keep
    // their CPU while children draw. Raising one's own nice value needs no privilege.
    errno = 0;
    int nice_now = getpriority(PRIO_PROCESS, 0);
    if (errno == 0 && nice_now < RENDER_NICE) setpriority(PRIO_PROCESS, 0, RENDER_NICE);
    // When the machine or container runs out of memory, the kernel kills a render child first, never the JVM.
    int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (adj >= 0) {
        if (write(adj, "1000", 4) != 4) { /* best effort */ }
        close(adj);
    }
    // A card's pixels are 3 MB: a 1 MiB pipe moves them in 3 writes instead of 47 wake-ups (best effort).
    fcntl(1, F_SETPIPE_SZ, 1 << 20);
    fcntl(0, F_SETPIPE_SZ, 1 << 20);
    confine(argv[2], (rlim_t) strtoull(argv[3], NULL, 10));
    if (argc > 4 && strcmp(argv[4], "--probe") == 0) probe(argc - 5, argv + 5);
    write_full("KRH1", 4);

    for (;;) {
        uint32_t head[4];
        uint64_t max_pixels;
        read_full(head, sizeof head);
        read_full(&max_pixels, sizeof max_pixels);
        if (head[0] != 0x3151524B /* KRQ1 */) die("bad request");
        char *svg = malloc(head[1] + 1);
        char *opts = malloc(head[2] + 1);
        if (!svg || !opts) abort();
        read_full(svg, head[1]);
        read_full(opts, head[2]);

        val *svg_buf;
        napi_create_external_buffer(env, head[1], svg, NULL, NULL, &svg_buf);
        val *args[2] = {svg_buf, new_string(opts, head[2])};
        val *doc = NULL;
        napi_status st = napi_new_instance(env, resvg, 2, args, &doc);
        if (st != napi_ok || pending) {
            reply_exception("the SVG was refused");
        } else {
            // The SVG's own size and the fitTo width give the output size before any pixel is allocated.
            double w = number_of(get_property(doc, "width")), h = number_of(get_property(doc, "height"));
            double fit_w = head[3] ? head[3] : ceil(w);
            double out_h = w > 0 ? ceil(h * fit_w / w) : 0;
            if (w <= 0 || h <= 0) {
                reply_error(1, "the SVG has no size");
            } else if (fit_w * out_h > (double) max_pixels) {
                char msg[160];
                snprintf(msg, sizeof msg, "the output would be %.0fx%.0f pixels, over the cap of %llu", fit_w, out_h,
                         (unsigned long long) max_pixels);
                reply_error(2, msg);
            } else {
                val *img = call(render_fn, doc, 0, NULL, render_fn->cbdata);
                if (pending || !is_object(img)) {
                    reply_exception("the SVG could not be rendered");
                } else {
                    val *px = get_property(img, "pixels");
                    double iw = number_of(get_property(img, "width")), ih = number_of(get_property(img, "height"));
                    if (pending || px->kind != K_BUFFER || iw < 0 || ih < 0 || px->blen != (size_t) iw * (size_t) ih * 4) {
                        reply_exception("the render gave no pixels");
                    } else {
                        uint32_t out[5] = {0x3153524B, 0, (uint32_t) iw, (uint32_t) ih, (uint32_t) px->blen};
                        write_full(out, sizeof out);
                        write_full(px->bdata, px->blen);
                    }
                }
            }
        }
        free_request_values();
        free(svg);
        free(opts);
    }
}
