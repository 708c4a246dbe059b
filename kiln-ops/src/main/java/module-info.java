/** Kiln's one seam to Micrometer: the registry, metric names, the pause detector. */
module dev.kiln.ops {
    // Metrics hands out Micrometer meters and its registry, so its callers read Micrometer too.
    requires transitive micrometer.core;
    requires micrometer.registry.prometheus;

    exports dev.kiln.ops;
}
