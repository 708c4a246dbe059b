/**
 * Uploaded reference images: checking an upload's type, structure and size from its bytes without decoding it
 * ({@link dev.kiln.render.image.ImageInspector}), making its thumbnail ({@link dev.kiln.render.image.Thumbnails}),
 * and the {@code asset:<id>} image sources of scenes ({@link dev.kiln.render.image.AssetReferences}).
 */
package dev.kiln.render.image;
