/**
 * Generation events: the per-generation log a database trigger writes on every status or progress change
 * ({@link dev.kiln.platform.events.GenerationEvents}), and the one LISTEN connection per instance that fans committed
 * events out to local subscribers ({@link dev.kiln.platform.events.GenerationEventHub}).
 */
package dev.kiln.platform.events;
