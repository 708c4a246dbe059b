/** The load generator (open model, HdrHistogram) and the queue workloads behind {@code ./kiln bench}. */
module dev.kiln.loadgen {
    requires transitive info.picocli; // BenchCommand is a picocli command that kiln-app mounts
    requires dev.kiln.ops; // Durations, shared with the settings
    requires dev.kiln.queue;
    requires com.fasterxml.jackson.databind;
    requires com.zaxxer.hikari;
    requires HdrHistogram;
    requires java.net.http;
    requires java.sql;

    exports dev.kiln.loadgen;

    // picocli reads and sets the commands' annotated fields reflectively.
    opens dev.kiln.loadgen to
            info.picocli;
}
