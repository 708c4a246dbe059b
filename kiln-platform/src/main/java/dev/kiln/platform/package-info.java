/**
 * Kiln's platform: PostgreSQL access ({@link dev.kiln.platform.Database}, migrated by Flyway) and API keys
 * ({@link dev.kiln.platform.ApiKeys}). SQL lives in {@code db/migration} and next to the code that runs it.
 */
package dev.kiln.platform;
