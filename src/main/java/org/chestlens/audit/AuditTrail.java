package org.chestlens.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.chestlens.security.ChestLensPrincipal;
import org.chestlens.security.CurrentUser;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Writes the audit trail, inside the caller's transaction when there is one, and reads it back for admins. */
@Service
public class AuditTrail {

    /** Newest first; the id orders events recorded within the same instant. */
    static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("occurredAt"), Sort.Order.desc("id"));
    private static final int EXPORT_PAGE = 500;

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

    /** The events the query selects, newest first. */
    @Transactional(readOnly = true)
    public Page<AuditEvent> search(AuditQuery query, int page, int size) {
        return events.findAll(query.specification(), PageRequest.of(page, size, NEWEST_FIRST));
    }

    /** The action codes recorded so far, for a filter. */
    @Transactional(readOnly = true)
    public List<String> actions() {
        return events.findDistinctActions();
    }

    /**
     * Writes the events the query selects as CSV (RFC 4180, newest first).
     * Times are ISO 8601 instants in UTC, so a spreadsheet or script reads them without guessing a zone.
     */
    @Transactional(readOnly = true)
    public void writeCsv(AuditQuery query, Writer out) {
        try {
            out.write("occurred_at,user,action,action_code,detail\r\n");
            Pageable pageable = PageRequest.of(0, EXPORT_PAGE, NEWEST_FIRST);
            Page<AuditEvent> page;
            do {
                page = events.findAll(query.specification(), pageable);
                for (AuditEvent e : page) {
                    out.write(String.join(",",
                            cell(DateTimeFormatter.ISO_INSTANT.format(e.getOccurredAt())),
                            cell(e.getActorEmail() == null ? "anonymous" : e.getActorEmail()),
                            cell(AuditActions.label(e.getAction())),
                            cell(e.getAction()),
                            cell(e.getDetail() == null ? "" : e.getDetail())) + "\r\n");
                }
                pageable = page.nextPageable();
            } while (page.hasNext());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One CSV field: quoted when it holds a separator, quote or line break; a leading character a spreadsheet
     * would run as a formula (= + - @) is escaped with an apostrophe, since emails and details come from users.
     */
    static String cell(String value) {
        String text = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
