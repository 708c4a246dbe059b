/** The application: the picocli CLI, {@code KILN_*} configuration, the wiring of every module, signals. Exports nothing. */
module dev.kiln.app {
    requires dev.kiln.cache;
    requires dev.kiln.http;
    requires dev.kiln.loadgen;
    requires dev.kiln.ops;
    requires dev.kiln.platform;
    requires dev.kiln.queue;
    requires dev.kiln.render;
    requires dev.kiln.renderpool;
    requires dev.kiln.storage;
    requires dev.kiln.video;
    requires dev.kiln.worker;
    requires com.github.benmanes.caffeine;
    requires info.picocli;
    requires java.management;
    requires jdk.management;
    requires jul.to.slf4j;
    requires org.slf4j;

    // picocli reads and sets the commands' annotated fields reflectively.
    opens dev.kiln.app to
            info.picocli;
}
