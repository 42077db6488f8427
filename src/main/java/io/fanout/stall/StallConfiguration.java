package io.fanout.stall;

import io.fanout.upstream.http.UpstreamEventLoops;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

/**
 * Starts the {@link StallDetector} once the server runs (its event loops exist by then) and stops it first on
 * shutdown. Watches the server's event loops (Boot's {@link ReactorResourceFactory}), the upstream clients' (Reactor Netty's
 * global {@link HttpResources}, which {@code HttpUpstreamClient} uses, or their own: {@code fanout.upstream.event-loops}) and every worker of
 * {@link Schedulers#parallel()}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "fanout.stall.enabled", havingValue = "true", matchIfMissing = true)
class StallConfiguration {

    @Bean
    StallLifecycle stallDetection(
            StallProperties properties,
            MeterRegistry registry,
            ObjectProvider<ReactorResourceFactory> resources,
            ObjectProvider<UpstreamEventLoops> upstreamLoops) {
        return new StallLifecycle(properties, registry, resources, upstreamLoops);
    }

    /** Collects the targets at start, when the server has created its loops. */
    static final class StallLifecycle implements SmartLifecycle {
        private final StallProperties properties;
        private final MeterRegistry registry;
        private final ObjectProvider<ReactorResourceFactory> resources;
        private final ObjectProvider<UpstreamEventLoops> upstreamLoops;
        private final List<Scheduler.Worker> workers = new ArrayList<>();
        private volatile @Nullable StallDetector detector;

        StallLifecycle(
                StallProperties properties,
                MeterRegistry registry,
                ObjectProvider<ReactorResourceFactory> resources,
                ObjectProvider<UpstreamEventLoops> upstreamLoops) {
            this.properties = properties;
            this.registry = registry;
            this.resources = resources;
            this.upstreamLoops = upstreamLoops;
        }

        @Override
        public synchronized void start() {
            List<StallDetector.Target> targets = new ArrayList<>();
            Map<EventExecutor, Boolean> seen = new IdentityHashMap<>();
            ReactorResourceFactory factory = resources.getIfAvailable();
            if (factory != null) {
                // the server's loops ("webflux-http-*" unless Boot is told to use the global resources)
                addLoops(targets, seen, factory.getLoopResources().onServer(LoopResources.DEFAULT_NATIVE), "server");
            }
            // the upstream clients' loops: HttpUpstreamClient uses Reactor Netty's global resources
            addLoops(targets, seen, HttpResources.get().onClient(LoopResources.DEFAULT_NATIVE), "client");
            // ... or loops of their own (fanout.upstream.event-loops)
            UpstreamEventLoops own = upstreamLoops.getIfAvailable();
            LoopResources ownLoops = own == null ? null : own.resources();
            if (ownLoops != null) {
                addLoops(targets, seen, ownLoops.onClient(LoopResources.DEFAULT_NATIVE), "upstream");
            }
            Scheduler parallel = Schedulers.parallel();
            // a parallel worker is pinned to one of the scheduler's threads, handed out round-robin
            for (int i = 0; i < Schedulers.DEFAULT_POOL_SIZE; i++) {
                Scheduler.Worker worker = parallel.createWorker();
                workers.add(worker);
                int n = i;
                targets.add(new StallDetector.Target() {
                    @Override
                    public String scheduler() {
                        return "parallel";
                    }

                    @Override
                    public String fallbackName() {
                        return "parallel-worker-" + n;
                    }

                    @Override
                    public void execute(Runnable probe) {
                        worker.schedule(probe);
                    }
                });
            }
            StallDetector d = new StallDetector(
                    targets, registry, properties.interval(), properties.threshold(), properties.logInterval());
            d.start();
            detector = d;
        }

        private static void addLoops(
                List<StallDetector.Target> targets,
                Map<EventExecutor, Boolean> seen,
                EventLoopGroup group,
                String role) {
            int n = 0;
            for (EventExecutor loop : group) {
                if (seen.put(loop, Boolean.TRUE) != null) {
                    continue;
                }
                String fallback = "netty-" + role + "-" + n++;
                targets.add(new StallDetector.Target() {
                    @Override
                    public String scheduler() {
                        return "netty";
                    }

                    @Override
                    public String fallbackName() {
                        return fallback;
                    }

                    @Override
                    public void execute(Runnable probe) {
                        loop.execute(probe);
                    }
                });
            }
        }

        @Override
        public synchronized void stop() {
            StallDetector d = detector;
            if (d != null) {
                d.close();
                detector = null;
            }
            workers.forEach(Scheduler.Worker::dispose);
            workers.clear();
        }

        @Override
        public boolean isRunning() {
            return detector != null;
        }

        /** For tests and status pages: how many threads are watched. */
        int targets() {
            StallDetector d = detector;
            return d == null ? 0 : d.targets();
        }
    }
}
