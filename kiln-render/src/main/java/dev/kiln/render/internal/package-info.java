/**
 * Engine internals shared between document types. <b>Not API</b>: anything here may change without
 * notice; callers use {@link dev.kiln.render.Renderer} only.
 */
package dev.kiln.render.internal;
