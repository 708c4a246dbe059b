/** resvg (via its WebAssembly build on Chicory) as a pure-Java SVG rasteriser: SVG text in, RGBA pixels out. */
package dev.kiln.svg;
