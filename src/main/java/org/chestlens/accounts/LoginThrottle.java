package org.chestlens.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Counts failed sign-ins per account and per client address. {@code maxFailures} failures within
 * {@code window} lock that key until the oldest of them leaves the window. Kept in memory: one
 * server instance, and a restart forgetting the counters is acceptable.
 */
@Component
public class LoginThrottle {

    // Bounds memory when someone sprays random emails; the oldest keys are dropped first.
    private static final int MAX_KEYS = 100_000;

    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final int maxFailures;
    private final Duration window;
    private final Clock clock;

    LoginThrottle(@Value("${chestlens.login.max-failures:10}") int maxFailures,
                  @Value("${chestlens.login.window:15m}") Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /** How long until a sign-in for this email from this address may be tried again; empty if it may now. */
    public Optional<Duration> lockedFor(String email, String clientAddress) {
        Instant now = clock.instant();
        Optional<Duration> byAccount = lockedFor(accountKey(email), now);
        Optional<Duration> byAddress = lockedFor(addressKey(clientAddress), now);
        if (byAccount.isPresent() && byAddress.isPresent()) {
            return Optional.of(byAccount.get().compareTo(byAddress.get()) > 0 ? byAccount.get() : byAddress.get());
        }
        return byAccount.isPresent() ? byAccount : byAddress;
    }

    public void recordFailure(String email, String clientAddress) {
        Instant now = clock.instant();
        if (failures.size() > MAX_KEYS) {
            failures.entrySet().removeIf(e -> expired(e.getValue(), now));
        }
        add(accountKey(email), now);
        add(addressKey(clientAddress), now);
    }

    /** A successful sign-in clears the account's count; the address keeps its own. */
    public void recordSuccess(String email) {
        failures.remove(accountKey(email));
    }

    private Optional<Duration> lockedFor(String key, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Optional.empty();
        }
        synchronized (times) {
            prune(times, now);
            if (times.size() < maxFailures) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(now, times.peekFirst().plus(window)));
        }
    }

    private void add(String key, Instant now) {
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            prune(times, now);
            times.addLast(now);
            // Only the newest maxFailures matter for the lock.
            while (times.size() > maxFailures) {
                times.removeFirst();
            }
        }
    }

    private void prune(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
            times.removeFirst();
        }
    }

    private boolean expired(Deque<Instant> times, Instant now) {
        synchronized (times) {
            prune(times, now);
            return times.isEmpty();
        }
    }

    private static String accountKey(String email) {
        return "account:" + Account.normalizeEmail(email);
    }

    private static String addressKey(String clientAddress) {
        return "address:" + (clientAddress == null ? "unknown" : clientAddress);
    }
}
