package dev.kiln.svg.graalwasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.svg.ResvgLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.io.ByteSequence;
import org.junit.jupiter.api.Test;

/** The render context offers a module nothing but what Kiln passes in: no WASI (files, clock, sockets), no host. */
class SandboxTest {
    /** (module (import "wasi_snapshot_preview1" "fd_write" (func))): links only if the context provides WASI. */
    private static byte[] importing(String module, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0});
        byte[] m = module.getBytes(StandardCharsets.UTF_8);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        b.write(2);
        b.write(1 + 1 + m.length + 1 + n.length + 2);
        b.write(1);
        b.write(m.length);
        b.writeBytes(m);
        b.write(n.length);
        b.writeBytes(n);
        b.write(0);
        b.write(0);
        return b.toByteArray();
    }

    @Test
    void aModuleImportingWasiDoesNotLinkInTheRenderContext() {
        try (GraalResvgEngine engine =
                        new GraalResvgEngine(ResvgLimits.defaults(), GraalResvgEngine.Isolation.CONTEXT_PER_RENDER);
                Context context = engine.newContext()) {
            for (String name : new String[] {"fd_write", "path_open", "clock_time_get", "sock_accept"}) {
                Source wasi = Source.newBuilder(
                                "wasm", ByteSequence.create(importing("wasi_snapshot_preview1", name)), "probe")
                        .buildLiteral();
                assertThatThrownBy(() -> context.eval(wasi).newInstance())
                        .as(name)
                        .isInstanceOf(PolyglotException.class);
            }
            assertThatThrownBy(() -> context.eval("js", "1")).isInstanceOf(IllegalArgumentException.class);
            // A module with nothing to import does instantiate there: the failures above are the missing imports.
            Source empty = Source.newBuilder(
                            "wasm", ByteSequence.create(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}), "e")
                    .buildLiteral();
            assertThat(context.eval(empty).newInstance().hasMember("exports")).isTrue();
        }
    }
}
