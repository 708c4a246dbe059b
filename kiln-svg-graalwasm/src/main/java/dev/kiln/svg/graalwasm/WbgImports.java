package dev.kiln.svg.graalwasm;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * The 18 {@code wbg} imports of resvg-wasm 2.6.2 as GraalWasm host functions: the same object table, strings,
 * {@code Uint8Array}s and arrays as kiln-svg's Chicory host ({@code WasmBindgenHost}), over the polyglot buffer
 * interface of the instance's exported memory. One per instance, used by one thread.
 */
final class WbgImports {
    /** wasm-bindgen reserves 128 slots, then undefined, null, true, false at 128..131; indices below 132 stay. */
    private static final int RESERVED = 132;

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static final Object MEMORY = new Object();

    private static final Object BUFFER = new Object();

    /** A {@code Uint8Array} over the instance's memory. */
    record MemoryView(int offset, int length) {}

    /** A JavaScript iterator's {@code next()} result. */
    record IterStep(boolean done, Object value) {}

    /** A JavaScript {@code Error} the module built (its message is resvg's error text). */
    record GuestError(String message) {}

    /** The module called {@code __wbindgen_throw}: a Rust panic or an unreachable branch. */
    static final class GuestPanic extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GuestPanic(String message) {
            super(message);
        }
    }

    private final List<Object> slots = new ArrayList<>();
    private int next;

    /** The instance's {@code memory} export and {@code __wbindgen_malloc}, bound once the instance exists. */
    private Value memory;

    private Value malloc;

    WbgImports() {
        for (int i = 0; i < 128; i++) {
            slots.add(null);
        }
        slots.add(null); // undefined
        slots.add(null); // null
        slots.add(Boolean.TRUE);
        slots.add(Boolean.FALSE);
        next = slots.size();
    }

    /** Binds the instance these imports serve (its exports exist only after instantiation). */
    void bind(Value exports) {
        memory = exports.getMember("memory");
        malloc = exports.getMember("__wbindgen_malloc");
    }

    int add(Object o) {
        if (next == slots.size()) {
            slots.add(slots.size() + 1);
        }
        int i = next;
        next = (Integer) slots.get(i);
        slots.set(i, o);
        return i;
    }

    Object get(int i) {
        return slots.get(i);
    }

    Object take(int i) {
        Object o = slots.get(i);
        if (i >= RESERVED) {
            slots.set(i, next);
            next = i;
        }
        return o;
    }

    int readInt(int ptr) {
        return memory.readBufferInt(LE, ptr);
    }

    void writeInt(int ptr, int v) {
        memory.writeBufferInt(LE, ptr, v);
    }

    byte[] read(int ptr, int len) {
        byte[] b = new byte[len];
        memory.readBuffer(ptr, b, 0, len);
        return b;
    }

    /** The polyglot buffer API has no bulk write: eight bytes per call, then the tail. */
    void write(int ptr, byte[] b) {
        int i = 0;
        for (; i + 8 <= b.length; i += 8) {
            long v = (b[i] & 0xffL)
                    | (b[i + 1] & 0xffL) << 8
                    | (b[i + 2] & 0xffL) << 16
                    | (b[i + 3] & 0xffL) << 24
                    | (b[i + 4] & 0xffL) << 32
                    | (b[i + 5] & 0xffL) << 40
                    | (b[i + 6] & 0xffL) << 48
                    | (b[i + 7] & 0xffL) << 56;
            memory.writeBufferLong(LE, ptr + i, v);
        }
        for (; i < b.length; i++) {
            memory.writeBufferByte(ptr + i, b[i]);
        }
    }

    private String string(Value ptr, Value len) {
        return new String(read(ptr.asInt(), len.asInt()), StandardCharsets.UTF_8);
    }

    private byte[] bytesOf(Object o) {
        return switch (o) {
            case byte[] b -> b;
            case MemoryView v -> read(v.offset(), v.length());
            default -> throw new GuestPanic("not a Uint8Array: " + o);
        };
    }

    /** Copies {@code s} into memory from the module's allocator, as {@code passStringToWasm0} does. */
    int[] passString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int ptr = malloc.execute(b.length, 1).asInt();
        write(ptr, b);
        return new int[] {ptr, b.length};
    }

    private int i(Value[] a, int n) {
        return a[n].asInt();
    }

    /** The import object: {@code {wbg: {name: function}}}. */
    ProxyObject importObject() {
        Map<String, Object> f = new HashMap<>();
        f.put("__wbg_new_28c511d9baebfa89", fn(a -> add(new GuestError(string(a[0], a[1])))));
        f.put("__wbindgen_memory", fn(a -> add(MEMORY)));
        f.put("__wbg_buffer_12d079cc21e14bdb", fn(a -> add(BUFFER)));
        f.put("__wbg_newwithbyteoffsetandlength_aa4a17c33a06e5cb", fn(a -> {
            if (get(i(a, 0)) != BUFFER) {
                throw new GuestPanic("Uint8Array view over something other than the module's memory");
            }
            return add(new MemoryView(i(a, 1), i(a, 2)));
        }));
        f.put("__wbindgen_object_drop_ref", fn(a -> {
            take(i(a, 0));
            return null;
        }));
        f.put("__wbg_new_63b92bc8671ed464", fn(a -> add(bytesOf(get(i(a, 0))).clone())));
        f.put("__wbg_values_839f3396d5aac002", fn(a -> {
            if (!(get(i(a, 0)) instanceof List<?> l)) {
                throw new GuestPanic("values() of a non-array");
            }
            return add(l.iterator());
        }));
        f.put("__wbg_next_196c84450b364254", fn(a -> {
            Iterator<?> it = (Iterator<?>) get(i(a, 0));
            return add(it.hasNext() ? new IterStep(false, it.next()) : new IterStep(true, null));
        }));
        f.put("__wbg_done_298b57d23c0fc80c", fn(a -> ((IterStep) get(i(a, 0))).done() ? 1 : 0));
        f.put("__wbg_value_d93c65011f51a456", fn(a -> add(((IterStep) get(i(a, 0))).value())));
        f.put("__wbg_instanceof_Uint8Array_2b3bbecd033d19f6", fn(a -> {
            Object o = get(i(a, 0));
            return o instanceof byte[] || o instanceof MemoryView ? 1 : 0;
        }));
        f.put("__wbindgen_string_get", fn(a -> {
            int ptr = 0;
            int len = 0;
            if (get(i(a, 1)) instanceof String s) {
                int[] p = passString(s);
                ptr = p[0];
                len = p[1];
            }
            writeInt(i(a, 0) + 4, len);
            writeInt(i(a, 0), ptr);
            return null;
        }));
        f.put("__wbg_new_16b304a2cfa7ff4a", fn(a -> add(new ArrayList<>())));
        f.put("__wbindgen_string_new", fn(a -> add(string(a[0], a[1]))));
        f.put("__wbg_push_a5b05aedc7234f9f", fn(a -> {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) get(i(a, 0));
            l.add(get(i(a, 1)));
            return l.size();
        }));
        f.put("__wbg_length_c20a40f15020d68a", fn(a -> switch (get(i(a, 0))) {
            case byte[] b -> b.length;
            case MemoryView v -> v.length();
            case Object o -> throw new GuestPanic("length of a non-Uint8Array: " + o);
        }));
        f.put("__wbg_set_a47bac70306a19a7", fn(a -> {
            if (!(get(i(a, 0)) instanceof MemoryView v)) {
                throw new GuestPanic("set() on a non-view");
            }
            byte[] src = bytesOf(get(i(a, 1)));
            if ((long) i(a, 2) + src.length > v.length()) {
                throw new GuestPanic("set() past the view's end");
            }
            write(v.offset() + i(a, 2), src);
            return null;
        }));
        f.put("__wbindgen_throw", fn(a -> {
            throw new GuestPanic(string(a[0], a[1]));
        }));
        return ProxyObject.fromMap(Map.of("wbg", ProxyObject.fromMap(f)));
    }

    private static ProxyExecutable fn(ProxyExecutable body) {
        return body;
    }
}
