/**
 * The JSVG adapter. <b>Not API</b>, and loaded only by {@link dev.kiln.render.svg.SvgSandbox}'s instrumenting class
 * loader, together with JSVG itself, so that a render stuck in JSVG stops when its thread is interrupted.
 */
package dev.kiln.render.svg.jsvg;
