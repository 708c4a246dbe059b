/**
 * Runs generations: {@link dev.kiln.worker.QueueGenerationJobs} puts them on the job queue in the platform's
 * transaction, {@link dev.kiln.worker.StillGenerationHandler} renders them on the shared render pool, and
 * {@link dev.kiln.worker.PoolShare} keeps part of that pool for synchronous renders.
 */
package dev.kiln.worker;
