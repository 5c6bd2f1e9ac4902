package org.chestlens.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(10, Duration.ofMinutes(15), clock);

    @Test
    void tenFailuresLockTheAccountForFifteenMinutes() {
        for (int i = 0; i < 9; i++) {
            throttle.recordFailure("a@example.org", "10.0.0." + i);
        }
        assertThat(throttle.lockedFor("a@example.org", "10.0.1.1")).isEmpty();
        throttle.recordFailure("A@Example.org", "10.0.0.99");
        assertThat(throttle.lockedFor("a@example.org", "10.0.1.1")).hasValue(Duration.ofMinutes(15));
        // Another account from another address is not affected.
        assertThat(throttle.lockedFor("b@example.org", "10.0.1.1")).isEmpty();

        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.lockedFor("a@example.org", "10.0.1.1")).isEmpty();
    }

    @Test
    void tenFailuresFromOneAddressLockThatAddressForEveryAccount() {
        for (int i = 0; i < 10; i++) {
            throttle.recordFailure("user" + i + "@example.org", "192.0.2.7");
        }
        assertThat(throttle.lockedFor("someone-else@example.org", "192.0.2.7")).isPresent();
        assertThat(throttle.lockedFor("someone-else@example.org", "192.0.2.8")).isEmpty();
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() {
        for (int i = 0; i < 9; i++) {
            throttle.recordFailure("c@example.org", "10.1.0.1");
        }
        clock.advance(Duration.ofMinutes(16));
        throttle.recordFailure("c@example.org", "10.1.0.1");
        assertThat(throttle.lockedFor("c@example.org", "10.1.0.2")).isEmpty();
    }

    @Test
    void successClearsTheAccountCount() {
        for (int i = 0; i < 9; i++) {
            throttle.recordFailure("d@example.org", "10.2.0." + i);
        }
        throttle.recordSuccess("d@example.org");
        throttle.recordFailure("d@example.org", "10.2.1.1");
        assertThat(throttle.lockedFor("d@example.org", "10.2.1.2")).isEmpty();
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
