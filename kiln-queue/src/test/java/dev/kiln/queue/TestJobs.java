package dev.kiln.queue;

import java.util.ArrayList;
import java.util.List;

/** Batches of test jobs, shared by the fairness tests. */
final class TestJobs {

    private TestJobs() {}

    /** {@code n} jobs of one kind and tenant at one priority, each with its index as payload. */
    static List<JobRequest> jobs(String kind, String tenant, int n, Priority p) {
        List<JobRequest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(JobRequest.of(kind, tenant, "{\"i\":" + i + "}").withPriority(p));
        }
        return out;
    }
}
