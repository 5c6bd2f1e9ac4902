package org.chestlens.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Counts failed sign-ins per account and per client address, in PostgreSQL so that every node behind a load
 * balancer counts together. {@code maxFailures} failures within {@code window} lock that key until the oldest of
 * them leaves the window.
 * <ul>
 *   <li>A locked <b>account</b> is refused outright, even with the right password.</li>
 *   <li>A locked <b>address</b> (many people may share one: a hospital's NAT) is slowed down, not closed: it keeps
 *       one password check per {@code lockedAddressInterval} (by default window / maxFailures, the rate the lock
 *       allows anyway). A wrong password uses the check up for the interval; a right one hands it back, so
 *       colleagues behind the same address still sign in while a password sprayer gets one guess per interval.</li>
 * </ul>
 * Timestamps come from the application clock; nodes keep their clocks in sync (NTP).
 */
@Component
public class LoginThrottle {

    private final JdbcClient jdbc;
    private final int maxFailures;
    private final Duration window;
    private final Duration lockedAddressInterval;
    private final Clock clock;

    LoginThrottle(DataSource dataSource,
                  @Value("${chestlens.login.max-failures:10}") int maxFailures,
                  @Value("${chestlens.login.window:15m}") Duration window,
                  @Value("${chestlens.login.locked-address-interval:0s}") Duration lockedAddressInterval,
                  Clock clock) {
        this.jdbc = JdbcClient.create(dataSource);
        this.maxFailures = maxFailures;
        this.window = window;
        this.lockedAddressInterval = lockedAddressInterval.isZero() ? window.dividedBy(maxFailures) : lockedAddressInterval;
        this.clock = clock;
    }

    /** How long the account stays locked; empty if it is not. */
    public Optional<Duration> accountLockedFor(String email) {
        return lockedFor(accountKey(email), clock.instant());
    }

    /** How long the client address stays locked (slowed down); empty if it is not. */
    public Optional<Duration> addressLockedFor(String clientAddress) {
        return lockedFor(addressKey(clientAddress), clock.instant());
    }

    /**
     * Takes the one password check a locked address may make now: empty when taken, otherwise how long until the
     * next one. Atomic across requests and nodes (one row per address, updated only when its time has come).
     */
    public Optional<Duration> claimCheckFromLockedAddress(String clientAddress) {
        Instant now = clock.instant();
        String address = addressValue(clientAddress);
        int claimed = jdbc.sql("""
                        insert into login_address_slot (address, next_check_at) values (:address, :next)
                        on conflict (address) do update set next_check_at = excluded.next_check_at
                        where login_address_slot.next_check_at <= :now""")
                .param("address", address).param("next", Timestamp.from(now.plus(lockedAddressInterval)))
                .param("now", Timestamp.from(now)).update();
        if (claimed == 1) {
            return Optional.empty();
        }
        Instant next = jdbc.sql("select next_check_at from login_address_slot where address = :address")
                .param("address", address).query(Timestamp.class).optional()
                .map(Timestamp::toInstant).orElse(now);
        return Optional.of(max(Duration.between(now, next), Duration.ofSeconds(1)));
    }

    /** A right password from a locked address gives its check back: the next person need not wait. */
    public void releaseCheckFromLockedAddress(String clientAddress) {
        jdbc.sql("update login_address_slot set next_check_at = :now where address = :address")
                .param("now", Timestamp.from(clock.instant())).param("address", addressValue(clientAddress)).update();
    }

    public void recordFailure(String email, String clientAddress) {
        Instant now = clock.instant();
        Timestamp expired = Timestamp.from(now.minus(window));
        // Keeps the tables small without a scheduled job: whatever left the window is of no use.
        jdbc.sql("delete from login_failure where failed_at <= :expired").param("expired", expired).update();
        jdbc.sql("delete from login_address_slot where next_check_at <= :expired").param("expired", expired).update();
        jdbc.sql("insert into login_failure (throttle_key, failed_at) values (:account, :now), (:address, :now)")
                .param("account", accountKey(email)).param("address", addressKey(clientAddress))
                .param("now", Timestamp.from(now)).update();
    }

    /** A successful sign-in clears the account's count; the address keeps its own. */
    public void recordSuccess(String email) {
        jdbc.sql("delete from login_failure where throttle_key = :account").param("account", accountKey(email)).update();
    }

    private Optional<Duration> lockedFor(String key, Instant now) {
        // The newest maxFailures failures within the window: locked while there are that many.
        List<Timestamp> recent = jdbc.sql("""
                        select failed_at from login_failure where throttle_key = :key and failed_at > :since
                        order by failed_at desc limit :max""")
                .param("key", key).param("since", Timestamp.from(now.minus(window))).param("max", maxFailures)
                .query(Timestamp.class).list();
        if (recent.size() < maxFailures) {
            return Optional.empty();
        }
        Instant oldest = recent.get(recent.size() - 1).toInstant();
        return Optional.of(Duration.between(now, oldest.plus(window)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String accountKey(String email) {
        return "account:" + bounded(Account.normalizeEmail(email), 320);
    }

    private static String addressKey(String clientAddress) {
        return "address:" + addressValue(clientAddress);
    }

    private static String addressValue(String clientAddress) {
        return clientAddress == null ? "unknown" : bounded(clientAddress, 90);
    }

    /** Whatever a client typed fits the column: a longer value is replaced by its SHA-256. */
    private static String bounded(String value, int maxLength) {
        if (value.length() <= maxLength) {
            return value;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
