package org.chestlens.operations;

import org.chestlens.inference.InferenceEngine;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code models}: up once the model release is loaded. Part of the readiness group, so a node
 * without models (a missing {@code models/} folder) takes no traffic from the load balancer.
 */
@Component
class ModelsHealthIndicator implements HealthIndicator {

    private final InferenceEngine engine;

    ModelsHealthIndicator(InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public Health health() {
        return engine.manifest()
                .map(m -> Health.up().withDetail("name", m.name()).withDetail("version", m.version()).build())
                .orElseGet(() -> Health.down().withDetail("reason", engine.unavailableReason().orElse("not loaded")).build());
    }
}
