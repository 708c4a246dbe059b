package dev.kiln.render.internal;

import dev.kiln.render.Document;

/**
 * The engine's side of {@link Document}: what the document parsers return and the engine draws. Callers outside
 * the engine see {@link Document} only.
 */
public interface PreparedDocument extends Document {}
