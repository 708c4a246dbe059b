/**
 * Render pool and admission control: a fixed set of platform worker threads behind an explicit, bounded wait queue,
 * with deadline-aware admission that rejects at once instead of queueing work that cannot finish in time.
 *
 * <p>Plain JDK only, no framework dependencies: transports (HTTP, jobs) adapt to {@link dev.kiln.renderpool.RenderPool}
 * and {@link dev.kiln.renderpool.PoolListener}. Everything not declared {@code public} here is an implementation detail.
 * See {@code docs/capacity-model.md} for the admission formula and readiness rules.
 */
package dev.kiln.renderpool;
