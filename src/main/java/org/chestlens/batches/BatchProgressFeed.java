package org.chestlens.batches;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import jakarta.annotation.PreDestroy;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.chestlens.security.CurrentUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends a batch's progress to the pages that show it, by Vaadin's server push. Files are analysed by durable jobs on
 * any node, so what changed is only known to PostgreSQL: one thread per node reads, every {@code interval}, where
 * each watched batch stands (one query for all of them: files finished and files picked by a node), and only for a
 * batch whose counts moved reads it whole and pushes it to its page. A reload, another node or a restart show the same,
 * since nothing is kept here but who is watching.
 */
@Component
class BatchProgressFeed {

    private static final Logger log = LoggerFactory.getLogger(BatchProgressFeed.class);

    /** One page following one batch; {@code seen} is only touched by the feed's thread. */
    private static final class Watch {
        final UI ui;
        final String batchId;
        final long owner;
        final Consumer<Batch> show;
        String seen;

        Watch(UI ui, String batchId, long owner, Consumer<Batch> show, String seen) {
            this.ui = ui;
            this.batchId = batchId;
            this.owner = owner;
            this.show = show;
            this.seen = seen;
        }
    }

    private final JdbcTemplate jdbc;
    private final BatchService batches;
    private final CurrentUser currentUser;
    private final Map<Watch, Boolean> watches = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "batch-progress-feed");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean failing;

    BatchProgressFeed(JdbcTemplate jdbc, BatchService batches, CurrentUser currentUser,
                      @Value("${chestlens.batch.progress-interval:1s}") java.time.Duration interval) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.currentUser = currentUser;
        thread.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Follows the signed-in clinician's batch as shown now ({@code shown}) and hands each newer state to {@code show}
     * inside {@link UI#access}, until the registration is removed or the page is gone.
     */
    Registration watch(UI ui, Batch shown, Consumer<Batch> show) {
        Watch watch = new Watch(ui, shown.id(), currentUser.requireAccountId(), show, signature(shown));
        watches.put(watch, Boolean.TRUE);
        return () -> watches.remove(watch);
    }

    int watching() {
        return watches.size();
    }

    /** One round: which watched batches moved since their page last saw them; those are read and pushed. */
    void tick() {
        if (watches.isEmpty()) {
            return;
        }
        try {
            Map<String, String> now = signatures(watches.keySet().stream().map(w -> w.batchId).distinct().toList());
            for (Watch watch : watches.keySet()) {
                String signature = now.get(watch.batchId);
                if (signature == null || signature.equals(watch.seen)) {
                    continue; // deleted (the page says so on its next visit) or unchanged
                }
                Optional<Batch> batch = batches.find(watch.batchId, watch.owner);
                if (batch.isEmpty()) {
                    continue;
                }
                watch.seen = signature(batch.get());
                try {
                    watch.ui.access(() -> watch.show.accept(batch.get()));
                } catch (UIDetachedException gone) {
                    watches.remove(watch);
                }
            }
            failing = false;
        } catch (RuntimeException e) {
            // The database away for a moment: the pages keep their last state and catch up on a later round.
            if (!failing) {
                log.warn("Batch progress could not be read ({}); retrying", e.getMessage());
            }
            failing = true;
        }
    }

    /** What the page shows, as counts: files finished and files a node is analysing. */
    private static String signature(Batch batch) {
        return batch.finished() + "/" + batch.count(BatchItemStatus.RUNNING) + "/" + batch.items().size();
    }

    private Map<String, String> signatures(List<String> batchIds) {
        if (batchIds.isEmpty()) {
            return Map.of();
        }
        Map<String, String> result = new ConcurrentHashMap<>();
        String placeholders = String.join(",", Collections.nCopies(batchIds.size(), "?"));
        Object[] args = new Object[batchIds.size() + 1];
        args[0] = BatchJob.TASK;
        for (int i = 0; i < batchIds.size(); i++) {
            args[i + 1] = batchIds.get(i);
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
        thread.shutdownNow();
    }
}
