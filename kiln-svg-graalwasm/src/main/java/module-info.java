/**
 * SVG engine spike (issue 9): the resvg-wasm module of kiln-svg run on GraalWasm with the Truffle runtime. Exports
 * {@code dev.kiln.svg.graalwasm} ({@code GraalResvgEngine}); the module needs no file system, network or clock.
 */
module dev.kiln.svg.graalwasm {
    requires transitive dev.kiln.svg;
    requires org.graalvm.polyglot;

    exports dev.kiln.svg.graalwasm;
}
