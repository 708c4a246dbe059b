/**
 * Kiln's durable job queue on PostgreSQL. It knows job kinds (strings), tenants, payloads (JSON text) and leases;
 * nothing of rendering, HTTP, generations or credits.
 *
 * <p>The API is {@link dev.kiln.queue.JobQueue} (enqueue inside the caller's transaction, cancel, inspect), {@link
 * dev.kiln.queue.Worker} (claims and runs {@link dev.kiln.queue.JobHandler}s) and {@link dev.kiln.queue.Maintenance}
 * (rescuer, retention, vacuum). Its tables come from {@link dev.kiln.queue.QueueSchema}. Every type not declared
 * {@code public} here is an implementation detail. See {@code docs/queue.md} for the state machine, the claim SQL and
 * the fairness design.
 */
package dev.kiln.queue;
