package org.chestlens.worklist;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.chestlens.security.CurrentUser;
import org.chestlens.ui.PushFeed;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps open worklist pages current by server push ({@link PushFeed}): studies are added by batch jobs on any node, by
 * the clinician's other sessions and by the API, and reviewed in other tabs, so only PostgreSQL knows. One thread per
 * node reads, every {@code interval}, one signature per watched clinician (one query for all of them) of what their
 * list holds, and for a clinician whose signature moved re-reads each of their pages' lists with that page's filters
 * and pushes it. The owner is fixed when a page starts watching, from the signed-in account: a page only ever
 * receives its own clinician's studies.
 */
@Component
class WorklistFeed {

    /**
     * Per owner: how many studies wait, and a hash of which ones with what the list shows of them that can change
     * after the analysis (patient, patient reference, study date). Same conditions as {@link Worklist}'s list.
     */
    private static final String SIGNATURES = """
            select a.owner_id, count(*),
                   md5(string_agg(a.id || ':' || coalesce(p.reference, '') || ':' || coalesce(a.study_date::text, ''),
                                  ',' order by a.id))
            from analysis a
            left join patient p on p.id = a.patient_id
            where a.owner_id in (%s) and a.status = 'COMPLETED'
              and not exists (select 1 from analysis_feedback r where r.analysis_public_id = a.public_id
                              and (r.note is not null or exists (select 1 from finding_feedback v
                                                                 where v.analysis_public_id = r.analysis_public_id)))
            group by a.owner_id
            """;

    /** What a page with nothing waiting has seen (the query gives no row for that owner). */
    private static final String NOTHING_WAITING = "0";

    private final JdbcTemplate jdbc;
    private final Worklist worklist;
    private final CurrentUser currentUser;
    private final PushFeed<Long> feed;

    WorklistFeed(JdbcTemplate jdbc, Worklist worklist, CurrentUser currentUser,
                 @Value("${chestlens.worklist.refresh-interval:2s}") Duration interval) {
        this.jdbc = jdbc;
        this.worklist = worklist;
        this.currentUser = currentUser;
        this.feed = new PushFeed<>("worklist-feed", interval, this::signatures);
    }

    /**
     * Follows the signed-in clinician's worklist for the page of {@code ui}. Call it before the page reads its list
     * first (a study arriving in between is then pushed, not missed). Each time the list may have changed,
     * {@code filter} is asked for the page's current filters (it must be safe to call from another thread), the list
     * is read with them, and {@code show} gets both inside {@link UI#access}.
     */
    Registration watch(UI ui, Supplier<WorklistFilter> filter, Consumer<Listed> show) {
        long owner = currentUser.requireAccountId();
        String seen = feed.signature(owner).orElse(NOTHING_WAITING);
        return feed.watch(ui, owner, seen, () -> {
            WorklistFilter now = filter.get();
            return Optional.of(new Listed(now, worklist.list(owner, now)));
        }, show);
    }

    /** A list as read with these filters (the page ignores it when its filters changed since). */
    record Listed(WorklistFilter filter, List<WorklistEntry> entries) {
    }

    int watching() {
        return feed.watching();
    }

    /** One round of the feed (its thread runs it every interval; tests call it to tick without waiting). */
    void tick() {
        feed.tick();
    }

    private Map<Long, String> signatures(Collection<Long> owners) {
        Map<Long, String> result = new HashMap<>();
        if (owners.isEmpty()) {
            return result;
        }
        owners.forEach(owner -> result.put(owner, NOTHING_WAITING));
        jdbc.query(SIGNATURES.formatted(String.join(",", Collections.nCopies(owners.size(), "?"))),
                rs -> {
                    result.put(rs.getLong(1), rs.getLong(2) + "/" + rs.getString(3));
                }, owners.toArray());
        return result;
    }

    @PreDestroy
    void stop() {
        feed.stop();
    }
}
