package dev.kiln.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every production module keeps its {@code module-info.java} and exports exactly its API packages: a module that
 * loses its descriptor, or starts exporting an engine or internal package to everyone, fails here. Tests run on the
 * class path, so the descriptors are read from each module's build output (its classes directory or jar) with a
 * {@link ModuleFinder}. A new API package goes into {@link #API} and into docs/architecture.md's table.
 */
class ModuleBoundariesTest {

    /** Each module's unqualified exports, by a class that lives in it. */
    private static final List<Expected> API = List.of(
            new Expected("dev.kiln.renderpool", dev.kiln.renderpool.RenderPool.class, Set.of("dev.kiln.renderpool")),
            new Expected("dev.kiln.storage", dev.kiln.storage.BlobStore.class, Set.of("dev.kiln.storage")),
            new Expected("dev.kiln.ops", dev.kiln.ops.Metrics.class, Set.of("dev.kiln.ops")),
            new Expected(
                    "dev.kiln.render",
                    dev.kiln.render.Renderer.class,
                    Set.of("dev.kiln.render", "dev.kiln.render.image")),
            new Expected("dev.kiln.queue", dev.kiln.queue.JobQueue.class, Set.of("dev.kiln.queue")),
            new Expected(
                    "dev.kiln.platform",
                    dev.kiln.platform.Platform.class,
                    Set.of(
                            "dev.kiln.platform",
                            "dev.kiln.platform.assets",
                            "dev.kiln.platform.credits",
                            "dev.kiln.platform.dashboard",
                            "dev.kiln.platform.events",
                            "dev.kiln.platform.generations",
                            "dev.kiln.platform.projects")),
            new Expected("dev.kiln.video", dev.kiln.video.VideoLimits.class, Set.of("dev.kiln.video")),
            new Expected("dev.kiln.worker", dev.kiln.worker.QueueGenerationJobs.class, Set.of("dev.kiln.worker")),
            new Expected(
                    "dev.kiln.cache",
                    dev.kiln.cache.ReadCache.class,
                    Set.of("dev.kiln.cache", "dev.kiln.cache.ratelimit")),
            new Expected("dev.kiln.http", dev.kiln.http.KilnServer.class, Set.of("dev.kiln.http")),
            new Expected("dev.kiln.loadgen", dev.kiln.loadgen.BenchCommand.class, Set.of("dev.kiln.loadgen")),
            new Expected("dev.kiln.app", Main.class, Set.of()));

    /** Packages a module shares with one named friend only (qualified exports), keyed by "module/package". */
    private static final Map<String, Set<String>> QUALIFIED = Map.of(
            "dev.kiln.render/dev.kiln.render.scene", Set.of("dev.kiln.app"),
            "dev.kiln.render/dev.kiln.render.encode", Set.of("dev.kiln.bench"),
            "dev.kiln.render/dev.kiln.render.svg.jsvg", Set.of("dev.kiln.bench"));

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void exportsOnlyItsApi(Expected expected) {
        ModuleDescriptor descriptor = descriptorOf(expected);

        assertThat(descriptor.isAutomatic())
                .as("%s has a module-info.java (an automatic module exports every package)", expected.name())
                .isFalse();
        assertThat(descriptor.name()).isEqualTo(expected.name());
        assertThat(unqualified(descriptor)).as("%s's exports", expected.name()).isEqualTo(expected.exports());
        assertThat(qualified(descriptor))
                .as("%s's qualified exports", expected.name())
                .isEqualTo(friendsOf(expected));
    }

    @Test
    void noModuleExportsAnInternalPackageToEveryone() {
        List<String> leaks = API.stream()
                .map(ModuleBoundariesTest::descriptorOf)
                .flatMap(d -> unqualified(d).stream().map(p -> d.name() + " exports " + p))
                .filter(s -> s.contains(".internal"))
                .toList();

        assertThat(leaks).isEmpty();
    }

    static List<Expected> modules() {
        return API;
    }

    private static ModuleDescriptor descriptorOf(Expected expected) {
        Path location;
        try {
            location = Path.of(expected.member()
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Set<ModuleReference> found = ModuleFinder.of(location).findAll();
        assertThat(found).as("one module at %s", location).hasSize(1);
        return found.iterator().next().descriptor();
    }

    private static Set<String> unqualified(ModuleDescriptor descriptor) {
        return descriptor.exports().stream()
                .filter(e -> !e.isQualified())
                .map(Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, Set<String>> qualified(ModuleDescriptor descriptor) {
        return descriptor.exports().stream()
                .filter(Exports::isQualified)
                .collect(Collectors.toMap(
                        e -> descriptor.name() + "/" + e.source(), Exports::targets, (a, b) -> a, TreeMap::new));
    }

    private static Map<String, Set<String>> friendsOf(Expected expected) {
        return QUALIFIED.entrySet().stream()
                .filter(e -> e.getKey().startsWith(expected.name() + "/"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** A module's name, a class inside it (to find its build output) and the packages it exports to everyone. */
    record Expected(String name, Class<?> member, Set<String> exports) {
        @Override
        public String toString() {
            return name;
        }
    }
}
