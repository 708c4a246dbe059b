/** Uploaded reference images ({@link dev.kiln.platform.assets.Assets}) and the seam to their thumbnail jobs. */
package dev.kiln.platform.assets;
