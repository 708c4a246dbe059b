/** The HTTP API on Helidon SE: the only module that knows Helidon. Holds no SQL. */
module dev.kiln.http {
    requires transitive dev.kiln.cache;
    requires transitive dev.kiln.platform;
    requires transitive dev.kiln.render;
    requires transitive dev.kiln.renderpool;
    requires transitive dev.kiln.storage;
    requires transitive dev.kiln.video;
    requires com.github.benmanes.caffeine;
    requires io.helidon.webserver;
    requires org.slf4j;

    exports dev.kiln.http;
}
