/**
 * SVG engine spike (issue 9): resvg's WebAssembly build run on Chicory, compiled to JVM bytecode at build time.
 * Callers use {@code dev.kiln.svg} ({@code ResvgEngine}); {@code dev.kiln.svg.resvg} is not API. The module needs
 * no file system, network or clock: the WebAssembly module imports only the wasm-bindgen glue this host provides.
 */
module dev.kiln.svg {
    requires com.dylibso.chicory.runtime;
    requires com.dylibso.chicory.wasm;

    exports dev.kiln.svg;
}
