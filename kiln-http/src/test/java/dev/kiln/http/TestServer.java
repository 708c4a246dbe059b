package dev.kiln.http;

import dev.kiln.ops.Metrics;
import dev.kiln.platform.ApiKeys;
import dev.kiln.platform.Database;
import dev.kiln.platform.Platform;
import dev.kiln.platform.generations.GenerationJobs;
import dev.kiln.platform.generations.PlaceholderGenerationJobs;
import dev.kiln.render.RenderEngine;
import dev.kiln.render.RenderLimits;
import dev.kiln.render.Renderer;
import dev.kiln.render.scene.SceneSchema;
import dev.kiln.renderpool.PoolConfig;
import dev.kiln.renderpool.PoolListener;
import dev.kiln.renderpool.RenderPool;
import dev.kiln.renderpool.Ticker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A real Kiln HTTP server on an ephemeral port, over a test class's own database. */
final class TestServer implements AutoCloseable {
    final KilnServer server;
    final RenderPool pool;
    final HttpMetrics metrics;
    final String key;
    final ApiKeys keys;
    final URI base;
    final HttpClient client;

    private TestServer(KilnServer server, RenderPool pool, HttpMetrics metrics, String key, ApiKeys keys) {
        this.keys = keys;
        this.server = server;
        this.pool = pool;
        this.metrics = metrics;
        this.key = key;
        this.base = URI.create("http://127.0.0.1:" + server.port());
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The default HTTP settings on an ephemeral port, without the warm-up (WarmUpTest tests it). */
    static HttpConfig http() {
        return HttpConfig.defaults("127.0.0.1", 0).withWarmUp(Duration.ZERO);
    }

    static TestServer start(Database db, PoolConfig poolConfig, Renderer renderer, HttpConfig http) {
        return start(db, poolConfig, renderer, http, new PlaceholderGenerationJobs());
    }

    static TestServer start(
            Database db, PoolConfig poolConfig, Renderer renderer, HttpConfig http, GenerationJobs jobs) {
        return start(db, poolConfig, renderer, http, Platform.create(db.dataSource(), jobs));
    }

    /** A server whose platform reads and writes through {@code platformData} (a counting proxy, say). */
    static TestServer start(Database db, javax.sql.DataSource platformData) {
        return start(
                db,
                new PoolConfig(2, 8, Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(5)),
                RenderEngine.create(RenderLimits.defaults()),
                TestServer.http(),
                Platform.create(platformData, new PlaceholderGenerationJobs()));
    }

    static TestServer start(Database db, PoolConfig poolConfig, Renderer renderer, HttpConfig http, Platform platform) {
        return start(db, poolConfig, renderer, http, platform, ReadPath.NONE);
    }

    /** A server with {@code readPath} (cache, rate limits), whose platform invalidates its cache. */
    static TestServer start(Database db, ReadPath readPath) {
        return start(
                db,
                new PoolConfig(2, 8, Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(5)),
                RenderEngine.create(RenderLimits.defaults()),
                TestServer.http(),
                Platform.create(db.dataSource(), new PlaceholderGenerationJobs(), new CacheGroups(readPath.cache())),
                readPath);
    }

    static TestServer start(
            Database db,
            PoolConfig poolConfig,
            Renderer renderer,
            HttpConfig http,
            Platform platform,
            ReadPath readPath) {
        HttpMetrics metrics = new OpsHttpMetrics(new Metrics());
        ApiKeys keys = new ApiKeys(db.dataSource());
        String key = keys.create("test-user").token();
        RenderPool pool = RenderPool.start(poolConfig, Ticker.SYSTEM, PoolListener.NOOP);
        KilnServer server = KilnServer.start(
                http,
                renderer,
                pool,
                token -> keys.authenticate(token).map(p -> new Caller(p.userId(), p.keyId())),
                metrics,
                SceneSchema.json().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                platform,
                NoFiles.STORE,
                FileAccess.NONE,
                /* serveApi= */ true,
                readPath,
                LiveAndUploads.NONE);
        return new TestServer(server, pool, metrics, key, keys);
    }

    static TestServer start(Database db) {
        return start(db, new PlaceholderGenerationJobs());
    }

    /** A server whose generations enqueue through {@code jobs}. */
    static TestServer start(Database db, GenerationJobs jobs) {
        return start(
                db,
                new PoolConfig(2, 8, Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(5)),
                RenderEngine.create(RenderLimits.defaults()),
                TestServer.http(),
                jobs);
    }

    /** A new user's API key (the user starts with the default balance). */
    String newUserKey(String name) {
        return keys.create(name).token();
    }

    /** {@code method path} with {@code json} (or no body when null) as the user of {@code apiKey}. */
    HttpResponse<byte[]> call(String apiKey, String method, String path, String json, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::setHeader);
        return send(b.build());
    }

    /** {@code method path} with {@code json} (or no body when null) as the test user. */
    HttpResponse<byte[]> call(String method, String path, String json) {
        return call(key, method, path, json, Map.of());
    }

    HttpResponse<byte[]> post(String path, String json) {
        return post(path, json, Map.of());
    }

    HttpResponse<byte[]> post(String path, String json, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::setHeader);
        return send(b.build());
    }

    HttpResponse<byte[]> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .GET()
                .build());
    }

    HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.drainAndStop();
        pool.close();
    }
}
