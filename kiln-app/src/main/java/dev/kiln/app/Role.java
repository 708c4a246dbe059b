package dev.kiln.app;

import java.util.Locale;

/** What one Kiln process does; several processes share one PostgreSQL and one storage root. */
enum Role {
    /** The API and the generation workers, in one process (the default). */
    ALL,
    /** The HTTP API only: synchronous renders, and generations enqueued for some worker to run. */
    API,
    /** Generation workers and queue maintenance only; HTTP serves just the probes and metrics. */
    WORKER;

    /** Whether this role serves the {@code /v1} API. */
    boolean servesApi() {
        return this != WORKER;
    }

    /** Whether this role runs generation jobs and the queue's maintenance services. */
    boolean runsJobs() {
        return this != API;
    }

    /** The setting's spelling: {@code all}, {@code api} or {@code worker}. */
    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Role parse(String value) {
        for (Role r : values()) {
            if (r.wireName().equals(value)) {
                return r;
            }
        }
        throw new ConfigException(Setting.KILN_ROLE + " must be all, api or worker, was '" + value + "'");
    }
}
