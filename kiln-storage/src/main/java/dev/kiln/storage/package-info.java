/**
 * Output storage: {@link dev.kiln.storage.BlobStore} (content-addressed, immutable blobs) and its local-filesystem
 * implementation. Knows nothing of rendering, HTTP or SQL.
 */
package dev.kiln.storage;
