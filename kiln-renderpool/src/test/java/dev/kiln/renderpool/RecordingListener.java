package dev.kiln.renderpool;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counts every callback, per outcome and per reject reason. */
final class RecordingListener implements PoolListener {

    final AtomicLong admitted = new AtomicLong();
    final AtomicLong started = new AtomicLong();
    final AtomicLong finished = new AtomicLong();
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    final Map<RejectReason, LongAdder> rejections = new ConcurrentHashMap<>();

    @Override
    public void admitted() {
        admitted.incrementAndGet();
    }

    @Override
    public void rejected(RejectReason reason) {
        rejections.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    @Override
    public void started(long queuedNanos) {
        started.incrementAndGet();
    }

    @Override
    public void finished(long serviceNanos, String outcome) {
        finished.incrementAndGet();
        outcomes.computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    long outcome(String name) {
        LongAdder a = outcomes.get(name);
        return a == null ? 0 : a.sum();
    }

    long rejections(RejectReason reason) {
        LongAdder a = rejections.get(reason);
        return a == null ? 0 : a.sum();
    }
}
