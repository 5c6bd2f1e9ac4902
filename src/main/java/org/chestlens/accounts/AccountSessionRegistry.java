package org.chestlens.accounts;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.chestlens.security.ChestLensPrincipal;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.stereotype.Component;

/**
 * The browser sessions of this node, ended when their account is disabled, deleted or its role changed on
 * <em>any</em> node. Sessions live in one node's memory (HAProxy keeps a browser on its node), but the account's
 * state is in PostgreSQL: each request's session lookup (Spring Security's {@code ConcurrentSessionFilter}) compares
 * the session's account version at sign-in with the account's current one, read at most once per
 * {@code chestlens.security.session-check-interval} per account. An ended session is signed out and sent to
 * {@code login?expired} on its next request, as when the change was made on this node.
 */
@Component
public class AccountSessionRegistry extends SessionRegistryImpl {

    private record AccountState(boolean exists, boolean enabled, long sessionVersion, long readAtNanos) {
    }

    private final JdbcTemplate jdbc;
    private final long checkIntervalNanos;
    private final LongSupplier nanoTime;
    private final Map<Long, AccountState> states = new ConcurrentHashMap<>();

    @Autowired
    AccountSessionRegistry(JdbcTemplate jdbc,
                           @Value("${chestlens.security.session-check-interval:2s}") Duration checkInterval) {
        this(jdbc, checkInterval, System::nanoTime);
    }

    AccountSessionRegistry(JdbcTemplate jdbc, Duration checkInterval, LongSupplier nanoTime) {
        this.jdbc = jdbc;
        this.checkIntervalNanos = checkInterval.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public SessionInformation getSessionInformation(String sessionId) {
        SessionInformation session = super.getSessionInformation(sessionId);
        if (session != null && !session.isExpired() && session.getPrincipal() instanceof ChestLensPrincipal principal) {
            AccountState state = state(principal.accountId());
            if (!state.exists() || !state.enabled() || state.sessionVersion() != principal.sessionVersion()) {
                session.expireNow();
            }
        }
        return session;
    }

    private AccountState state(long accountId) {
        long now = nanoTime.getAsLong();
        AccountState known = states.get(accountId);
        if (known != null && now - known.readAtNanos() < checkIntervalNanos) {
            return known;
        }
        AccountState read = jdbc.query("select enabled, session_version from account where id = ?",
                rs -> rs.next() ? new AccountState(true, rs.getBoolean(1), rs.getLong(2), now)
                        : new AccountState(false, false, 0, now), accountId);
        states.put(accountId, read);
        return read;
    }
}
