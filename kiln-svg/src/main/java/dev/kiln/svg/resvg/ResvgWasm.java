package dev.kiln.svg.resvg;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.kiln.svg.ResvgException;
import dev.kiln.svg.ResvgInterruptedException;

/**
 * One render in a fresh instance: {@code new Resvg(svg, options)}, {@code render()}, {@code pixels}, as the npm
 * package's {@code index.js} calls them. Public only for {@code dev.kiln.svg}; this package is not exported.
 */
public final class ResvgWasm {
    /** What a render returns: size and premultiplied RGBA. */
    public record Result(int width, int height, byte[] rgba) {}

    private ResvgWasm() {}

    /** The build-time compiled module (its stripped {@code .meta} binary, parsed once). */
    public static WasmModule module() {
        return ResvgModule.load();
    }

    /**
     * Renders {@code svg}; {@code width} 0 keeps the intrinsic size.
     *
     * @throws ResvgException on a document resvg rejects, an output over {@code maxPixels}, memory over
     *     {@code maxPages}, or a trap
     */
    public static Result render(String svg, int width, int maxPages, long maxPixels) {
        WasmModule module = module();
        int initial = module.memorySection()
                .map(s -> s.getMemory(0).limits().initialPages())
                .orElse(17);
        if (initial > maxPages) {
            throw new ResvgException("the module needs " + initial + " memory pages, over the ceiling " + maxPages);
        }
        WasmBindgenHost host = new WasmBindgenHost();
        try {
            Instance in = Instance.builder(module)
                    .withImportValues(host.imports())
                    .withMachineFactory(ResvgModule::create)
                    .withMemoryLimits(new MemoryLimits(initial, maxPages))
                    .withMemoryFactory(ByteArrayMemory::new)
                    .build();
            return render(in, host, svg, width, maxPixels);
        } catch (ChicoryInterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResvgInterruptedException(e);
        } catch (TrapException e) {
            // Out of memory surfaces as a failed memory.grow, which Rust's allocator turns into a trap.
            throw new ResvgException("resvg trapped (memory ceiling " + maxPages + " pages?): " + e.getMessage(), e);
        } catch (WasmBindgenHost.GuestPanic e) {
            throw new ResvgException("resvg panicked: " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new ResvgException("resvg recursed too deeply", null);
        }
    }

    private static Result render(Instance in, WasmBindgenHost host, String svg, int width, long maxPixels) {
        ExportFunction stack = in.export("__wbindgen_add_to_stack_pointer");
        Memory mem = in.memory();
        int retptr = (int) stack.apply(-16)[0];
        String options = width > 0
                ? "{\"fitTo\":{\"mode\":\"width\",\"value\":" + width + "},\"font\":{\"loadSystemFonts\":false}}"
                : "{\"font\":{\"loadSystemFonts\":false}}";
        int[] opt = host.passStringTo(in, options);
        in.export("resvg_new").apply(retptr, host.add(svg), opt[0], opt[1], 0);
        int resvg = checked(mem, host, retptr, "parse");
        // The size the render will have, before any pixel is allocated (resvg_width/height return f32).
        double w = Float.intBitsToFloat((int) in.export("resvg_width").apply(resvg)[0]);
        double h = Float.intBitsToFloat((int) in.export("resvg_height").apply(resvg)[0]);
        double outW = width > 0 ? width : Math.ceil(w);
        double outH = width > 0 ? Math.ceil(h * width / w) : Math.ceil(h);
        if (!(outW >= 1 && outH >= 1) || outW * outH > maxPixels) {
            throw new ResvgException(
                    "output " + (long) outW + " × " + (long) outH + " is outside 1.." + maxPixels + " pixels");
        }
        in.export("resvg_render").apply(retptr, resvg);
        int image = checked(mem, host, retptr, "render");
        int iw = (int) in.export("renderedimage_width").apply(image)[0];
        int ih = (int) in.export("renderedimage_height").apply(image)[0];
        Object pixels = host.take((int) in.export("renderedimage_pixels").apply(image)[0]);
        stack.apply(16);
        return new Result(iw, ih, (byte[]) pixels);
    }

    /** Reads wasm-bindgen's {@code Result} triple at {@code retptr}: {value, error, isError}. */
    private static int checked(Memory mem, WasmBindgenHost host, int retptr, String step) {
        int r0 = mem.readInt(retptr);
        int r1 = mem.readInt(retptr + 4);
        int r2 = mem.readInt(retptr + 8);
        if (r2 != 0) {
            Object err = host.take(r1);
            String message = err instanceof WasmBindgenHost.GuestError g ? g.message() : String.valueOf(err);
            throw new ResvgException("resvg " + step + ": " + message);
        }
        return r0;
    }
}
