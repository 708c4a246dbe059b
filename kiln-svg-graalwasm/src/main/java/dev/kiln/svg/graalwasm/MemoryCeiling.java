package dev.kiln.svg.graalwasm;

import java.io.ByteArrayOutputStream;

/**
 * Gives the module's own memory a declared maximum: GraalWasm has no embedder option for a memory ceiling, but it
 * enforces the limits a module declares ({@code memory.grow} past the maximum returns -1, which Rust's allocator
 * turns into a trap). The rewrite touches only the memory section (id 5); every other byte is copied.
 */
final class MemoryCeiling {
    private static final int MEMORY_SECTION = 5;

    private MemoryCeiling() {}

    /** Initial pages of memory 0, or -1 when the module declares no memory. */
    static long initialPages(byte[] wasm) {
        int[] pos = {8};
        while (pos[0] < wasm.length) {
            int id = wasm[pos[0]++] & 0xff;
            long size = leb(wasm, pos);
            int end = pos[0] + (int) size;
            if (id == MEMORY_SECTION) {
                leb(wasm, pos); // count
                pos[0]++; // flags
                return leb(wasm, pos);
            }
            pos[0] = end;
        }
        return -1;
    }

    /** The same module with memory 0's maximum set to {@code maxPages} (or its own maximum, if lower). */
    static byte[] apply(byte[] wasm, int maxPages) {
        if (wasm.length < 8 || wasm[0] != 0 || wasm[1] != 'a' || wasm[2] != 's' || wasm[3] != 'm') {
            throw new IllegalArgumentException("not a WebAssembly binary");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(wasm.length + 8);
        out.write(wasm, 0, 8);
        int[] pos = {8};
        boolean found = false;
        while (pos[0] < wasm.length) {
            int start = pos[0];
            int id = wasm[pos[0]++] & 0xff;
            long size = leb(wasm, pos);
            int body = pos[0];
            int end = body + (int) size;
            if (id != MEMORY_SECTION) {
                out.write(wasm, start, end - start);
                pos[0] = end;
                continue;
            }
            found = true;
            long count = leb(wasm, pos);
            if (count != 1) {
                throw new IllegalArgumentException("expected one memory, found " + count);
            }
            int flags = wasm[pos[0]++] & 0xff;
            if ((flags & ~1) != 0) {
                throw new IllegalArgumentException("unsupported memory flags " + flags + " (shared or 64-bit)");
            }
            long initial = leb(wasm, pos);
            long max = (flags & 1) != 0 ? Math.min(leb(wasm, pos), maxPages) : maxPages;
            if (initial > max) {
                throw new IllegalArgumentException(
                        "the module needs " + initial + " memory pages, over the ceiling " + max);
            }
            ByteArrayOutputStream section = new ByteArrayOutputStream();
            writeLeb(section, 1);
            section.write(1);
            writeLeb(section, initial);
            writeLeb(section, max);
            out.write(MEMORY_SECTION);
            writeLeb(out, section.size());
            out.writeBytes(section.toByteArray());
            pos[0] = end;
        }
        if (!found) {
            throw new IllegalArgumentException("the module declares no memory of its own");
        }
        return out.toByteArray();
    }

    private static long leb(byte[] b, int[] pos) {
        long v = 0;
        int shift = 0;
        while (true) {
            int x = b[pos[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }

    private static void writeLeb(ByteArrayOutputStream out, long v) {
        do {
            int x = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v != 0 ? x | 0x80 : x);
        } while (v != 0);
    }
}
