/** The read path: two-layer cache and rate limits over an optional Redis. */
package dev.kiln.cache;
