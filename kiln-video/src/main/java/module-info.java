/** Videos: caps and memory estimates, frames on the render pool piped into an ffmpeg child process. */
module dev.kiln.video {
    requires transitive dev.kiln.render;
    requires transitive dev.kiln.renderpool;
    requires org.slf4j;

    exports dev.kiln.video;
}
