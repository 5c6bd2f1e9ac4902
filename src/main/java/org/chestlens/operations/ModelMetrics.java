package org.chestlens.operations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.chestlens.inference.InferenceEngine;
import org.springframework.stereotype.Component;

/** {@code chestlens_model_info{name,version} 1}: which model release each node serves (0 series without models). */
@Component
class ModelMetrics implements MeterBinder {

    private final InferenceEngine engine;

    ModelMetrics(InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        engine.manifest().ifPresent(m -> Gauge.builder("chestlens.model.info", () -> 1)
                .tag("name", m.name()).tag("version", m.version())
                .description("The loaded model release").register(registry));
    }
}
