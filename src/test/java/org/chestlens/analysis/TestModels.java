package org.chestlens.analysis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

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
