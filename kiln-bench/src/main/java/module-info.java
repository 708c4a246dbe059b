/** JMH benchmarks of the render engine; never part of the test suite. */
module dev.kiln.bench {
    requires dev.kiln.render;
    requires jmh.core;
    // Some benchmarks compare the engine with the libraries it wraps, called directly.
    requires com.github.weisj.jsvg;
    requires io.github.humbleui.skija.shared;
    requires io.github.humbleui.types;
    requires java.management;
    requires static org.jetbrains.annotations;

    // JMH's generated harness instantiates the @State classes reflectively.
    opens dev.kiln.bench;
    opens dev.kiln.bench.jmh_generated;
}
