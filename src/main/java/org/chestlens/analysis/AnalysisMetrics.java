package org.chestlens.analysis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * ChestLens' own metrics of the pipeline, for Prometheus ({@code /actuator/prometheus}; README, "Health and
 * metrics"): analyses by outcome and channel, time per stage and end to end, uploads waiting for a turn and running.
 */
final class AnalysisMetrics {

    static final String ANALYSES = "chestlens.analyses";
    static final String STAGE = "chestlens.analysis.stage";
    static final String DURATION = "chestlens.analysis.duration";

    private final MeterRegistry registry;

    AnalysisMetrics(MeterRegistry registry, Semaphore running, int concurrent) {
        this.registry = registry;
        Gauge.builder("chestlens.analysis.queue", running, Semaphore::getQueueLength)
                .description("Uploads waiting for a free analysis slot").register(registry);
        Gauge.builder("chestlens.analysis.running", running, r -> concurrent - r.availablePermits())
                .description("Analyses running now").register(registry);
        Gauge.builder("chestlens.analysis.slots", () -> concurrent)
                .description("Analyses that may run at once (chestlens.analysis.max-concurrent)").register(registry);
    }

    /** A stored analysis: completed, or rejected by the gate. */
    void stored(AnalysisResult result, AnalysisRequest.Channel channel) {
        count(result.status().name(), channel);
        result.timings().stageMillis().forEach((stage, millis) -> {
            if (millis != null) {
                Timer.builder(STAGE).tag("stage", stage).description("Time per pipeline stage of stored analyses")
                        .register(registry).record(Duration.ofNanos(Math.round(millis * 1e6)));
            }
        });
        Timer.builder(DURATION).publishPercentileHistogram().description("Upload to committed analysis")
                .register(registry).record(Duration.ofNanos(Math.round(result.timings().totalMillis() * 1e6)));
    }

    /** Refused upload (nothing stored), no models, or an unexpected error. */
    void notStored(String outcome, AnalysisRequest.Channel channel) {
        count(outcome, channel);
    }

    private void count(String outcome, AnalysisRequest.Channel channel) {
        Counter.builder(ANALYSES).tag("outcome", outcome.toLowerCase(Locale.ROOT))
                .tag("channel", channel.name().toLowerCase(Locale.ROOT))
                .description("Uploads by outcome: completed, rejected (stored), refused, unavailable, failed")
                .register(registry).increment();
    }
}
