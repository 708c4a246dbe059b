package dev.kiln.platform;

import dev.kiln.platform.credits.Credits;
import dev.kiln.platform.dashboard.Dashboard;
import dev.kiln.platform.generations.GenerationJobs;
import dev.kiln.platform.generations.Generations;
import dev.kiln.platform.projects.Projects;
import dev.kiln.platform.projects.Scenes;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The platform's services, handed to the HTTP layer as one value.
 *
 * @param projects projects
 * @param scenes scenes of projects
 * @param generations generations and their jobs
 * @param credits balances and the ledger
 * @param dashboard the read model of {@code GET /v1/dashboard}
 */
public record Platform(
        Projects projects, Scenes scenes, Generations generations, Credits credits, Dashboard dashboard) {
    public Platform {
        Objects.requireNonNull(projects, "projects");
        Objects.requireNonNull(scenes, "scenes");
        Objects.requireNonNull(generations, "generations");
        Objects.requireNonNull(credits, "credits");
        Objects.requireNonNull(dashboard, "dashboard");
    }

    /** The services over {@code dataSource}, enqueueing generation jobs through {@code jobs}. */
    public static Platform create(DataSource dataSource, GenerationJobs jobs) {
        return create(dataSource, jobs, Changes.NONE);
    }

    /** The services over {@code dataSource}; every committed change is told to {@code changes}. */
    public static Platform create(DataSource dataSource, GenerationJobs jobs, Changes changes) {
        return new Platform(
                new Projects(dataSource, changes),
                new Scenes(dataSource, changes),
                new Generations(dataSource, jobs, changes),
                new Credits(dataSource),
                new Dashboard(dataSource));
    }
}
