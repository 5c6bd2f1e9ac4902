package org.chestlens.batches;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.PreDestroy;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.chestlens.security.CurrentUser;
import org.chestlens.ui.PushFeed;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends a batch's progress to the pages that show it, by Vaadin's server push ({@link PushFeed}). Files are analysed
 * by durable jobs on any node, so what changed is only known to PostgreSQL: one thread per node reads, every
 * {@code interval}, where each watched batch stands (one query for all of them: files finished and files picked by a
 * node), and only for a batch whose counts moved reads it whole and pushes it to its page. A reload, another node or a
 * restart show the same, since nothing is kept here but who is watching.
 */
@Component
class BatchProgressFeed {

    private final BatchService batches;
    private final CurrentUser currentUser;
    private final JdbcTemplate jdbc;
    private final PushFeed<String> feed;

    BatchProgressFeed(JdbcTemplate jdbc, BatchService batches, CurrentUser currentUser,
                      @Value("${chestlens.batch.progress-interval:1s}") java.time.Duration interval) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.currentUser = currentUser;
        this.feed = new PushFeed<>("batch-progress-feed", interval, this::signatures);
    }

    /**
     * Follows the signed-in clinician's batch as shown now ({@code shown}) and hands each newer state to {@code show}
     * inside {@link UI#access}, until the registration is removed or the page is gone.
     */
    Registration watch(UI ui, Batch shown, Consumer<Batch> show) {
        long owner = currentUser.requireAccountId();
        return feed.watch(ui, shown.id(), signature(shown), () -> batches.find(shown.id(), owner), show);
    }

    int watching() {
        return feed.watching();
    }

    /** One round of the feed (its thread runs it every interval; tests may call it too). */
    void tick() {
        feed.tick();
    }

    /** What the page shows, as counts: files finished and files a node is analysing. */
    private static String signature(Batch batch) {
        return batch.finished() + "/" + batch.count(BatchItemStatus.RUNNING) + "/" + batch.items().size();
    }

    private Map<String, String> signatures(Collection<String> batchIds) {
        if (batchIds.isEmpty()) {
            return Map.of();
        }
        Map<String, String> result = new ConcurrentHashMap<>();
        String placeholders = String.join(",", Collections.nCopies(batchIds.size(), "?"));
        Object[] args = new Object[batchIds.size() + 1];
        args[0] = BatchJob.TASK;
        int i = 1;
        for (String id : batchIds) {
            args[i++] = id;
        }
        // Same reading as BatchService.find: RUNNING is a queued file whose execution a node has picked.
        jdbc.query("select b.public_id,"
                        + " count(*) filter (where i.status in ('DONE', 'REFUSED', 'FAILED')),"
                        + " count(*) filter (where i.status = 'QUEUED' and coalesce(t.picked, false)), count(*)"
                        + " from batch b join batch_item i on i.batch_id = b.id"
                        + " left join scheduled_tasks t on t.task_name = ? and t.task_instance = i.id::text"
                        + " where b.public_id in (" + placeholders + ") group by b.public_id",
                rs -> {
                    result.put(rs.getString(1), rs.getLong(2) + "/" + rs.getLong(3) + "/" + rs.getLong(4));
                }, args);
        return result;
    }

    @PreDestroy
    void stop() {
        feed.stop();
    }
}
