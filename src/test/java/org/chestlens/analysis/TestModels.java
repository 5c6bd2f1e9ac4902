package org.chestlens.analysis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;

/**
 * Test context with the tiny ONNX models of src/test/resources/onnx (real ONNX Runtime sessions, real
 * PostgreSQL) and a clock the test can move.
 */
@TestConfiguration(proxyBeanMethods = false)
class TestModels {

    static final String MODELS = "chestlens.models-dir=src/test/resources/onnx/models";

    @Bean
    @Primary
    MovableClock movableClock() {
        return new MovableClock();
    }

    @Bean
    Events events() {
        return new Events();
    }

    /** The analysis feature's events, as other features receive them. */
    static class Events {
        final List<FindingsConfirmed> confirmed = new CopyOnWriteArrayList<>();
        final List<AnalysesDeleted> deleted = new CopyOnWriteArrayList<>();

        @EventListener
        void on(FindingsConfirmed event) {
            confirmed.add(event);
        }

        @EventListener
        void on(AnalysesDeleted event) {
            deleted.add(event);
        }
    }

    static class MovableClock extends Clock {

        private volatile Duration offset = Duration.ZERO;

        void advance(Duration duration) {
            offset = offset.plus(duration);
        }

        void reset() {
            offset = Duration.ZERO;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
