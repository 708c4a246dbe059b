/**
 * Kiln's operations seam: metric names ({@link dev.kiln.ops.MetricNames}), the Micrometer/Prometheus registry
 * ({@link dev.kiln.ops.Metrics}) and the JVM pause detector ({@link dev.kiln.ops.PauseDetector}).
 */
package dev.kiln.ops;
