package io.fanout.config;

import io.fanout.engine.ActiveConfig;
import io.fanout.upstream.UpstreamClient;
import io.fanout.upstream.UpstreamStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code /actuator/health} component {@code upstreams}: the active config version and each upstream's circuit state.
 * Always UP: an open circuit is Fanout protecting itself, not Fanout being down, and answering DOWN would make a
 * load balancer pull every instance at once when one upstream fails.
 */
@Component("upstreams")
class UpstreamsHealthIndicator implements ReactiveHealthIndicator {

    private final ActiveConfig active;

    UpstreamsHealthIndicator(ActiveConfig active) {
        this.active = active;
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromSupplier(() -> {
            Map<String, Object> circuits = new LinkedHashMap<>();
            for (Map.Entry<String, UpstreamClient> e :
                    active.current().upstreams().entrySet()) {
                UpstreamStatus s = e.getValue().status();
                if (s != null) {
                    circuits.put(e.getKey(), s.circuitState() == null ? "no-breaker" : s.circuitState());
                }
            }
            return Health.up()
                    .withDetail("configVersion", active.current().version())
                    .withDetail("circuits", circuits)
                    .build();
        });
    }
}
