/**
 * Native resvg in confined child processes. {@link dev.kiln.resvg.NativeResvg} is the whole API; the host binary and
 * resvg's module are resources of this module, unpacked at start.
 */
module dev.kiln.resvg {
    exports dev.kiln.resvg;
}
