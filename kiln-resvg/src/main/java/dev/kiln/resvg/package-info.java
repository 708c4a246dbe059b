/**
 * Native resvg (the prebuilt N-API module of {@code @resvg/resvg-js-linux-x64-gnu}) run by {@code kiln-resvg-host}, a
 * C program that implements just the N-API calls the module makes, then confines itself (Landlock, seccomp, an
 * address-space limit) and renders SVG to premultiplied RGBA on a pipe. See docs/render-engines.md.
 */
package dev.kiln.resvg;
