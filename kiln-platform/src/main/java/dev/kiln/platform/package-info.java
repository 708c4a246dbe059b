/**
 * Kiln's platform: PostgreSQL access ({@link dev.kiln.platform.Database}, migrated by Flyway), API keys
 * ({@link dev.kiln.platform.ApiKeys}), keyset paging and the services of the domain packages ({@code projects},
 * {@code credits}, {@code generations}), bundled for the HTTP layer as {@link dev.kiln.platform.Platform}. SQL lives
 * in {@code db/migration} and next to the code that runs it.
 */
package dev.kiln.platform;
