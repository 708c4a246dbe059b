package dev.kiln.svg.resvg;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The 18 {@code wbg} imports of resvg-wasm 2.6.2, as its generated JavaScript glue defines them: an object table
 * (wasm-bindgen's "heap": index → object, with a free list), strings, {@code Uint8Array}s and arrays. One host per
 * instance, used by one thread. JavaScript objects map to Java ones: a string to {@link String}, a
 * {@code Uint8Array} copy to {@code byte[]}, a view into the instance's memory to {@link MemoryView}, an array to
 * {@link List}, an iterator result to {@link IterStep}, an {@code Error} to {@link GuestError}.
 */
final class WasmBindgenHost {
    /** wasm-bindgen reserves 128 slots, then undefined, null, true, false at 128..131; indices below 132 are never freed. */
    private static final int RESERVED = 132;

    private static final ValType I32 = ValType.I32;

    /** {@code wasm.memory} and its {@code ArrayBuffer}: only ever used to build views. */
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

    WasmBindgenHost() {
        for (int i = 0; i < 128; i++) {
            slots.add(null);
        }
        slots.add(null); // undefined
        slots.add(null); // null
        slots.add(Boolean.TRUE);
        slots.add(Boolean.FALSE);
        next = slots.size();
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

    private static String string(Memory m, long ptr, long len) {
        return m.readString((int) ptr, (int) len, StandardCharsets.UTF_8);
    }

    private static FunctionType type(int params, boolean returns) {
        List<ValType> p = new ArrayList<>();
        for (int i = 0; i < params; i++) {
            p.add(I32);
        }
        return FunctionType.of(p, returns ? List.of(I32) : List.of());
    }

    private static long[] ret(long v) {
        return new long[] {v};
    }

    private byte[] bytesOf(Instance in, Object o) {
        return switch (o) {
            case byte[] b -> b;
            case MemoryView v -> in.memory().readBytes(v.offset(), v.length());
            default -> throw new GuestPanic("not a Uint8Array: " + o);
        };
    }

    /** Copies {@code s} into memory from the module's allocator, as {@code passStringToWasm0} does. */
    private int[] passString(Instance in, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int ptr = (int) in.export("__wbindgen_malloc").apply(b.length, 1)[0];
        in.memory().write(ptr, b);
        return new int[] {ptr, b.length};
    }

    ImportValues imports() {
        List<ImportFunction> f = new ArrayList<>();
        f.add(fn(
                "__wbg_new_28c511d9baebfa89",
                2,
                true,
                (in, a) -> ret(add(new GuestError(string(in.memory(), a[0], a[1]))))));
        f.add(fn("__wbindgen_memory", 0, true, (in, a) -> ret(add(MEMORY))));
        f.add(fn("__wbg_buffer_12d079cc21e14bdb", 1, true, (in, a) -> ret(add(BUFFER))));
        f.add(fn("__wbg_newwithbyteoffsetandlength_aa4a17c33a06e5cb", 3, true, (in, a) -> {
            if (get((int) a[0]) != BUFFER) {
                throw new GuestPanic("Uint8Array view over something other than the module's memory");
            }
            return ret(add(new MemoryView((int) a[1], (int) a[2])));
        }));
        f.add(fn("__wbindgen_object_drop_ref", 1, false, (in, a) -> {
            take((int) a[0]);
            return null;
        }));
        // new Uint8Array(x): a copy (of a view, taken now, or of another array).
        f.add(fn(
                "__wbg_new_63b92bc8671ed464",
                1,
                true,
                (in, a) -> ret(add(bytesOf(in, get((int) a[0])).clone()))));
        f.add(fn("__wbg_values_839f3396d5aac002", 1, true, (in, a) -> {
            if (!(get((int) a[0]) instanceof List<?> l)) {
                throw new GuestPanic("values() of a non-array");
            }
            return ret(add(l.iterator()));
        }));
        f.add(fn("__wbg_next_196c84450b364254", 1, true, (in, a) -> {
            Iterator<?> it = (Iterator<?>) get((int) a[0]);
            return ret(add(it.hasNext() ? new IterStep(false, it.next()) : new IterStep(true, null)));
        }));
        f.add(fn("__wbg_done_298b57d23c0fc80c", 1, true, (in, a) -> ret(((IterStep) get((int) a[0])).done() ? 1 : 0)));
        f.add(fn("__wbg_value_d93c65011f51a456", 1, true, (in, a) -> ret(add(((IterStep) get((int) a[0])).value()))));
        f.add(fn("__wbg_instanceof_Uint8Array_2b3bbecd033d19f6", 1, true, (in, a) -> {
            Object o = get((int) a[0]);
            return ret(o instanceof byte[] || o instanceof MemoryView ? 1 : 0);
        }));
        f.add(fn("__wbindgen_string_get", 2, false, (in, a) -> {
            int ptr = 0;
            int len = 0;
            if (get((int) a[1]) instanceof String s) {
                int[] p = passString(in, s);
                ptr = p[0];
                len = p[1];
            }
            in.memory().writeI32((int) a[0] + 4, len);
            in.memory().writeI32((int) a[0], ptr);
            return null;
        }));
        f.add(fn("__wbg_new_16b304a2cfa7ff4a", 0, true, (in, a) -> ret(add(new ArrayList<>()))));
        f.add(fn("__wbindgen_string_new", 2, true, (in, a) -> ret(add(string(in.memory(), a[0], a[1])))));
        f.add(fn("__wbg_push_a5b05aedc7234f9f", 2, true, (in, a) -> {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) get((int) a[0]);
            l.add(get((int) a[1]));
            return ret(l.size());
        }));
        f.add(fn(
                "__wbg_length_c20a40f15020d68a",
                1,
                true,
                (in, a) -> ret(
                        switch (get((int) a[0])) {
                            case byte[] b -> b.length;
                            case MemoryView v -> v.length();
                            case Object o -> throw new GuestPanic("length of a non-Uint8Array: " + o);
                        })));
        // view.set(src, offset): copies a Java-side array into the module's memory.
        f.add(fn("__wbg_set_a47bac70306a19a7", 3, false, (in, a) -> {
            if (!(get((int) a[0]) instanceof MemoryView v)) {
                throw new GuestPanic("set() on a non-view");
            }
            byte[] src = bytesOf(in, get((int) a[1]));
            if (a[2] + src.length > v.length()) {
                throw new GuestPanic("set() past the view's end");
            }
            in.memory().write(v.offset() + (int) a[2], src);
            return null;
        }));
        f.add(fn("__wbindgen_throw", 2, false, (in, a) -> {
            throw new GuestPanic(string(in.memory(), a[0], a[1]));
        }));
        return ImportValues.builder().withFunctions(f).build();
    }

    private interface Body {
        long[] apply(Instance in, long[] args);
    }

    private static HostFunction fn(String name, int params, boolean returns, Body body) {
        return new HostFunction("wbg", name, type(params, returns), body::apply);
    }

    /** Copies {@code s} into the module's memory; returns {pointer, length}. */
    int[] passStringTo(Instance in, String s) {
        return passString(in, s);
    }
}
