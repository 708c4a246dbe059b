/** The queue ⇄ platform adapter: the platform's job seams on kiln-queue, and the generation and asset handlers. */
module dev.kiln.worker {
    requires transitive dev.kiln.platform;
    requires transitive dev.kiln.queue;
    requires transitive dev.kiln.render;
    requires transitive dev.kiln.renderpool;
    requires transitive dev.kiln.storage;
    requires transitive dev.kiln.video;
    requires org.slf4j;

    exports dev.kiln.worker;
}
