package dev.kiln.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kiln's optional Redis: one multiplexed Lettuce connection for commands and one for pub/sub, behind bounded command
 * timeouts and a circuit breaker, so that a Redis that is missing, stopped or stalled costs requests at most a few
 * bounded waits and then nothing at all.
 *
 * <ul>
 *   <li>Start: when Redis cannot be reached Kiln starts anyway with one warning line; a background probe keeps
 *       trying.
 *   <li>Breaker: {@link RedisConfig#failuresToOpen()} consecutive failures (errors, timeouts) or a lost connection
 *       open it; while open, {@link #call} fails at once without touching the network.
 *   <li>Recovery: the background probe (a virtual thread, every {@link RedisConfig#probeInterval()}) PINGs while the
 *       breaker is open; when Redis answers and pub/sub is connected again it runs the recovery hooks (replaying
 *       invalidations that could not be sent, say) and closes the breaker. No request ever waits on a probe.
 * </ul>
 */
public final class Redis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Redis.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** Breaker state, for metrics: 0 closed (Redis in use), 1 open (skipped), 2 not configured. */
    public enum State {
        CLOSED,
        OPEN,
        DISABLED
    }

    private final RedisConfig config;
    private final RedisClient client;
    private final ClientResources resources;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final List<Runnable> recoveryHooks = new CopyOnWriteArrayList<>();
    private final Map<String, Consumer<String>> subscriptions = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile StatefulRedisPubSubConnection<String, String> pubsub;
    private volatile boolean open = true;
    private volatile boolean closed;
    private final Thread prober;

    private Redis(RedisConfig config) {
        this.config = config;
        if (config.uri().isEmpty()) {
            this.client = null;
            this.resources = null;
            this.prober = null;
            return;
        }
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(1)
                .computationThreadPoolSize(1)
                // Reconnect quickly and steadily: the breaker, not a growing backoff, protects requests meanwhile.
                .reconnectDelay(Delay.constant(Duration.ofMillis(200)))
                .build();
        this.client = RedisClient.create(resources, RedisURI.create(config.uri().get()));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fail commands at once while disconnected instead of queueing them for the reconnect.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofSeconds(1))
                        .build())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (!closed) {
                    trip("connection lost");
                }
            }
        });
        this.prober = Thread.ofVirtual().name("kiln-redis-probe").unstarted(this::probeLoop);
    }

    /**
     * Connects to the Redis of {@code config}, or runs without it: never throws for an unreachable Redis, it logs one
     * warning line and keeps probing in the background.
     */
    public static Redis connect(RedisConfig config) {
        Redis r = new Redis(Objects.requireNonNull(config, "config"));
        if (r.client != null) {
            if (!r.tryConnect()) {
                LOG.warn(
                        "Redis at {} is not reachable: running on the in-process cache and the database, with"
                                + " per-instance rate limits; retrying every {} ms",
                        config.uri().get(),
                        config.probeInterval().toMillis());
            }
            r.prober.start();
        }
        return r;
    }

    /** The configuration this link was made with. */
    public RedisConfig config() {
        return config;
    }

    /** The key prefix of this deployment. */
    public String prefix() {
        return config.keyPrefix();
    }

    /** Whether a {@link #call} would reach Redis now (configured, connected, breaker closed). */
    public boolean available() {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (open || c == null) {
            return false;
        }
        if (!c.isOpen()) {
            trip("connection lost");
            return false;
        }
        return true;
    }

    /** The breaker's state. */
    public State state() {
        if (client == null) {
            return State.DISABLED;
        }
        return available() ? State.CLOSED : State.OPEN;
    }

    /** Runs {@code hook} after Redis comes back and before requests use it again. */
    public void onRecovery(Runnable hook) {
        recoveryHooks.add(Objects.requireNonNull(hook, "hook"));
    }

    /**
     * Sends {@code command} and waits for its reply at most {@link RedisConfig#commandTimeout()}.
     *
     * @throws RedisUnavailableException when Redis is not usable now or the command failed or timed out
     */
    public <T> T call(Function<RedisAsyncCommands<String, byte[]>, ? extends CompletableFuture<T>> command) {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (!available()) {
            throw new RedisUnavailableException("redis is unavailable", null);
        }
        return direct(c, command, /* counts= */ true);
    }

    /**
     * Sends {@code command} without waiting for it; its failure counts against the breaker like a {@link #call}'s. A
     * no-op when Redis is not usable now.
     */
    public void send(Function<RedisAsyncCommands<String, byte[]>, ? extends CompletableFuture<?>> command) {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (open || c == null) {
            return;
        }
        try {
            command.apply(c.async())
                    .orTimeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((v, e) -> {
                        if (e == null) {
                            consecutiveFailures.set(0);
                        } else {
                            failed(e);
                        }
                    });
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /**
     * Subscribes {@code onMessage} to {@code channel} (under the key prefix); Lettuce subscribes again after every
     * reconnect.
     */
    public void subscribe(String channel, Consumer<String> onMessage) {
        subscriptions.put(channel, onMessage);
        StatefulRedisPubSubConnection<String, String> p = pubsub;
        if (p != null) {
            try {
                p.async().subscribe(channel).get(config.commandTimeout().toMillis() * 10, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                trip("subscribe failed: " + e);
            }
        }
    }

    private <T> T direct(
            StatefulRedisConnection<String, byte[]> c,
            Function<RedisAsyncCommands<String, byte[]>, ? extends CompletableFuture<T>> command,
            boolean counts) {
        CompletableFuture<T> f = null;
        try {
            f = command.apply(c.async());
            T value = f.get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            consecutiveFailures.set(0);
            return value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisUnavailableException("interrupted", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            if (f != null) {
                f.cancel(false);
            }
            if (counts) {
                failed(e);
            }
            throw new RedisUnavailableException("redis command failed: " + e, e);
        }
    }

    private void failed(Throwable e) {
        if (consecutiveFailures.incrementAndGet() >= config.failuresToOpen()) {
            trip(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void trip(String why) {
        if (!open) {
            synchronized (lock) {
                if (!open) {
                    open = true;
                    LOG.warn("Redis circuit breaker opened ({}); serving without Redis until it answers again", why);
                }
            }
        }
    }

    private boolean tryConnect() {
        StatefulRedisConnection<String, byte[]> c = null;
        try {
            c = client.connect(CODEC);
            StatefulRedisPubSubConnection<String, String> p = client.connectPubSub(StringCodec.UTF8);
            p.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    Consumer<String> handler = subscriptions.get(channel);
                    if (handler != null) {
                        try {
                            handler.accept(message);
                        } catch (RuntimeException e) {
                            LOG.warn("handling a message on {} failed", channel, e);
                        }
                    }
                }
            });
            for (String channel : subscriptions.keySet()) {
                p.sync().subscribe(channel);
            }
            this.connection = c;
            this.pubsub = p;
            return recover();
        } catch (RuntimeException e) {
            if (c != null && connection != c) {
                c.close(); // half connected: the command connection came up, pub/sub did not
            }
            LOG.debug("connecting to Redis failed", e);
            return false;
        }
    }

    /** PINGs; when Redis answers and pub/sub is connected, runs the recovery hooks and closes the breaker. */
    private boolean recover() {
        StatefulRedisConnection<String, byte[]> c = connection;
        StatefulRedisPubSubConnection<String, String> p = pubsub;
        if (c == null || p == null || !c.isOpen() || !p.isOpen()) {
            return false;
        }
        try {
            direct(c, cmd -> cmd.ping().toCompletableFuture(), /* counts= */ false);
            for (String channel : subscriptions.keySet()) {
                // Idempotent; makes sure the channel is subscribed again before invalidations are trusted.
                p.async().subscribe(channel).get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            for (Runnable hook : recoveryHooks) {
                hook.run();
            }
        } catch (RuntimeException | ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        synchronized (lock) {
            consecutiveFailures.set(0);
            if (open) {
                open = false;
                LOG.info("Redis at {} is in use", config.uri().get());
            }
        }
        return true;
    }

    /**
     * Runs {@code command} while the breaker is still open, for recovery hooks; failures are thrown, not counted.
     *
     * @throws RedisUnavailableException when it fails
     */
    public <T> T callDuringRecovery(
            Function<RedisAsyncCommands<String, byte[]>, ? extends CompletableFuture<T>> command) {
        StatefulRedisConnection<String, byte[]> c = connection;
        if (c == null) {
            throw new RedisUnavailableException("not connected", null);
        }
        return direct(c, command, /* counts= */ false);
    }

    private void probeLoop() {
        while (!closed) {
            try {
                Thread.sleep(config.probeInterval());
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            if (connection == null) {
                tryConnect();
            } else if (open) {
                recover();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (prober != null) {
            prober.interrupt();
        }
        if (client != null) {
            StatefulRedisPubSubConnection<String, String> p = pubsub;
            StatefulRedisConnection<String, byte[]> c = connection;
            if (p != null) {
                p.close();
            }
            if (c != null) {
                c.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
