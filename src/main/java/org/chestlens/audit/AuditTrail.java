package org.chestlens.audit;

import java.time.Clock;
import org.chestlens.security.ChestLensPrincipal;
import org.chestlens.security.CurrentUser;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Writes the audit trail, inside the caller's transaction when there is one. */
@Service
public class AuditTrail {

    private final AuditEventRepository events;
    private final CurrentUser currentUser;
    private final Clock clock;

    AuditTrail(AuditEventRepository events, CurrentUser currentUser, Clock clock) {
        this.events = events;
        this.currentUser = currentUser;
        this.clock = clock;
    }

    /** Records an action by whoever is signed in (or "anonymous"). */
    @Transactional
    public void record(String action, String detail) {
        ChestLensPrincipal principal = currentUser.get().orElse(null);
        events.save(new AuditEvent(clock.instant(),
                principal == null ? null : principal.accountId(),
                principal == null ? null : principal.getUsername(),
                action, detail));
    }

    /** Records an action by a known account, e.g. during sign-in when no session user exists yet. */
    @Transactional
    public void record(Long actorId, String actorEmail, String action, String detail) {
        events.save(new AuditEvent(clock.instant(), actorId, actorEmail, action, detail));
    }
}
