package org.chestlens.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The throttle's counts, kept in the real PostgreSQL the application uses (shared with the other tests). */
class LoginThrottleTest extends KaribuTest {

    @Autowired
    DataSource dataSource;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));

    private LoginThrottle throttle(DataSource database) {
        return new LoginThrottle(database, 10, Duration.ofMinutes(15), Duration.ZERO, clock);
    }

    @Test
    void tenFailuresLockTheAccountForFifteenMinutes() {
        LoginThrottle throttle = throttle(dataSource);
        String email = TestAccounts.uniqueEmail("a");
        for (int i = 0; i < 9; i++) {
            throttle.recordFailure(email, randomAddress());
        }
        assertThat(throttle.accountLockedFor(email)).isEmpty();
        throttle.recordFailure(email.toUpperCase(), randomAddress());
        assertThat(throttle.accountLockedFor(email)).hasValue(Duration.ofMinutes(15));
        // Another account is not affected.
        assertThat(throttle.accountLockedFor(TestAccounts.uniqueEmail("b"))).isEmpty();

        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.accountLockedFor(email)).isEmpty();
    }

    @Test
    void tenFailuresFromOneAddressLockThatAddressOnly() {
        LoginThrottle throttle = throttle(dataSource);
        String address = randomAddress();
        for (int i = 0; i < 10; i++) {
            throttle.recordFailure(TestAccounts.uniqueEmail("spray"), address);
        }
        assertThat(throttle.addressLockedFor(address)).isPresent();
        assertThat(throttle.addressLockedFor(randomAddress())).isEmpty();
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() {
        LoginThrottle throttle = throttle(dataSource);
        String email = TestAccounts.uniqueEmail("c");
        String address = randomAddress();
        for (int i = 0; i < 9; i++) {
            throttle.recordFailure(email, address);
        }
        clock.advance(Duration.ofMinutes(16));
        throttle.recordFailure(email, address);
        assertThat(throttle.accountLockedFor(email)).isEmpty();
        assertThat(throttle.addressLockedFor(address)).isEmpty();
    }

    @Test
    void successClearsTheAccountCount() {
        LoginThrottle throttle = throttle(dataSource);
        String email = TestAccounts.uniqueEmail("d");
        for (int i = 0; i < 9; i++) {
            throttle.recordFailure(email, randomAddress());
        }
        throttle.recordSuccess(email);
        throttle.recordFailure(email, randomAddress());
        assertThat(throttle.accountLockedFor(email)).isEmpty();
    }

    @Test
    void aLockedAddressKeepsOnePasswordCheckPerInterval() {
        LoginThrottle throttle = throttle(dataSource);
        String address = randomAddress();
        assertThat(throttle.claimCheckFromLockedAddress(address)).as("first check").isEmpty();
        // While it runs (or after it failed) the next caller waits window / max-failures = 90 s.
        assertThat(throttle.claimCheckFromLockedAddress(address)).hasValue(Duration.ofSeconds(90));
        clock.advance(Duration.ofSeconds(30));
        assertThat(throttle.claimCheckFromLockedAddress(address)).hasValue(Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(60));
        assertThat(throttle.claimCheckFromLockedAddress(address)).as("after the interval").isEmpty();
        // A right password gives the check back at once.
        throttle.releaseCheckFromLockedAddress(address);
        assertThat(throttle.claimCheckFromLockedAddress(address)).as("after a success").isEmpty();
        // Other addresses have their own.
        assertThat(throttle.claimCheckFromLockedAddress(randomAddress())).isEmpty();
    }

    @Test
    void twoNodesOnOneDatabaseCountFailuresTogether() {
        assertThat(dataSource).as("the application's pool").isInstanceOf(HikariDataSource.class);
        HikariDataSource shared = (HikariDataSource) dataSource;
        // Two application nodes: two throttles, each with its own connection pool, on the same PostgreSQL.
        try (HikariDataSource nodeA = pool(shared, "node-a"); HikariDataSource nodeB = pool(shared, "node-b")) {
            LoginThrottle a = throttle(nodeA);
            LoginThrottle b = throttle(nodeB);
            String email = TestAccounts.uniqueEmail("two-nodes");
            String address = randomAddress();
            for (int i = 0; i < 5; i++) {
                a.recordFailure(email, address);
                assertThat(b.accountLockedFor(email)).isEmpty();
                b.recordFailure(email, address);
            }
            // Five failures on each node: ten in all, so both nodes see the account and the address locked.
            assertThat(a.accountLockedFor(email)).isPresent();
            assertThat(b.accountLockedFor(email)).isPresent();
            assertThat(a.addressLockedFor(address)).isPresent();
            assertThat(b.addressLockedFor(address)).isPresent();
            // The locked address's one check is one across nodes.
            assertThat(a.claimCheckFromLockedAddress(address)).isEmpty();
            assertThat(b.claimCheckFromLockedAddress(address)).isPresent();
            // A success on one node clears the account on both.
            b.recordSuccess(email);
            assertThat(a.accountLockedFor(email)).isEmpty();
        }
    }

    private static HikariDataSource pool(HikariDataSource like, String name) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(like.getJdbcUrl());
        pool.setUsername(like.getUsername());
        pool.setPassword(like.getPassword());
        pool.setMaximumPoolSize(2);
        pool.setPoolName(name);
        return pool;
    }

    private static String randomAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
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
