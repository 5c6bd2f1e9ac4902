package org.chestlens.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.shared.Registration;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows state that only PostgreSQL knows (changed by jobs, sessions or API calls on any node) for the pages that
 * show it, by Vaadin's server push. One thread reads, every {@code interval}, a short signature of each watched key
 * (one query for all of them, supplied by the feature) and, only for a key whose signature moved since its page last
 * saw it, reads what that page shows (off the page's lock) and hands it to the page inside {@link UI#access}. Nothing
 * is kept but who is watching: a reload, another node or a restart read the same from the database.
 *
 * <p>The page must have push switched on ({@link ServerPush}); its reads must not depend on the request's security
 * context (the feed's thread has none), so a feature fixes the owner when the page starts watching.
 *
 * @param <K> what a signature is read for (a batch id, a clinician's account id)
 */
public final class PushFeed<K> {

    private static final Logger log = LoggerFactory.getLogger(PushFeed.class);

    /** One page following one key; {@code seen} is only touched by the feed's thread after the watch starts. */
    private static final class Watch<K, T> {
        final UI ui;
        final K key;
        final Supplier<Optional<T>> read;
        final Consumer<T> show;
        volatile String seen;

        Watch(UI ui, K key, String seen, Supplier<Optional<T>> read, Consumer<T> show) {
            this.ui = ui;
            this.key = key;
            this.seen = seen;
            this.read = read;
            this.show = show;
        }

        /** Reads the page's state again and queues it for the page; false once the page is gone. */
        boolean push() {
            Optional<T> state = read.get();
            if (state.isEmpty()) {
                return true; // gone from the database: the page says so on its next visit
            }
            try {
                ui.access(() -> show.accept(state.get()));
                return true;
            } catch (UIDetachedException gone) {
                return false;
            }
        }
    }

    private final String name;
    private final Function<Collection<K>, Map<K, String>> signatures;
    private final Set<Watch<K, ?>> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread;
    private volatile boolean failing;

    /**
     * Starts the feed's thread.
     *
     * @param name       names the thread and the log line when reading fails
     * @param interval   how often signatures are read
     * @param signatures one query for all given keys: key to a string that changes whenever what a page shows for
     *                   it changes; a key left out is skipped this round
     */
    public PushFeed(String name, Duration interval, Function<Collection<K>, Map<K, String>> signatures) {
        this.name = name;
        this.signatures = signatures;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The key's signature now (empty when the key has none): read it before reading what the page shows first. */
    public Optional<String> signature(K key) {
        return Optional.ofNullable(signatures.apply(List.of(key)).get(key));
    }

    /**
     * Follows {@code key} for the page of {@code ui}, which shows the state of signature {@code seen}: each time the
     * signature moves, {@code read} is called on the feed's thread and what it returns is handed to {@code show}
     * inside {@link UI#access}, until the registration is removed or the page is gone.
     */
    public <T> Registration watch(UI ui, K key, String seen, Supplier<Optional<T>> read, Consumer<T> show) {
        Watch<K, T> watch = new Watch<>(ui, key, seen, read, show);
        watches.add(watch);
        return () -> watches.remove(watch);
    }

    /** How many pages are watching. */
    public int watching() {
        return watches.size();
    }

    /**
     * One round: which keys moved since their page last saw them; those pages' state is read and pushed. One round at
     * a time (a test calling it waits for the thread's round, so what either found is queued when it returns).
     */
    public synchronized void tick() {
        if (watches.isEmpty()) {
            return;
        }
        try {
            Map<K, String> now = signatures.apply(watches.stream().map(w -> w.key).distinct().toList());
            for (Watch<K, ?> watch : watches) {
                String signature = now.get(watch.key);
                if (signature == null || signature.equals(watch.seen)) {
                    continue;
                }
                // Taken before the read: a change racing the read is seen again next round (read twice, never lost).
                watch.seen = signature;
                if (!watch.push()) {
                    watches.remove(watch);
                }
            }
            failing = false;
        } catch (RuntimeException e) {
            // The database away for a moment: the pages keep their last state and catch up on a later round.
            if (!failing) {
                log.warn("{}: could not read ({}); retrying", name, e.getMessage());
            }
            failing = true;
        }
    }

    /** Stops the thread (the application shutting down). */
    public void stop() {
        thread.shutdownNow();
    }
}
