/** Video pipeline internals: the ffmpeg child process. <b>Not API</b>: may change without notice. */
package dev.kiln.video.internal;
