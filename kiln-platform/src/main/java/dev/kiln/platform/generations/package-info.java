/**
 * Generations and their life ({@link dev.kiln.platform.generations.Generations},
 * {@link dev.kiln.platform.generations.GenerationStatus}), and the seam to the job queue
 * ({@link dev.kiln.platform.generations.GenerationJobs}) with its placeholder until kiln-queue is wired.
 */
package dev.kiln.platform.generations;
