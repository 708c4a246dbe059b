/**
 * Balances and the append-only credit ledger ({@link dev.kiln.platform.credits.Credits}) and what a generation
 * costs ({@link dev.kiln.platform.credits.Pricing}); docs/credits.md explains both.
 */
package dev.kiln.platform.credits;
