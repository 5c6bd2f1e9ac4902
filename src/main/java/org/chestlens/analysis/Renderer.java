package org.chestlens.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.chestlens.imaging.EncodedImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Renders heatmaps and anomaly maps once and stores them in {@code analysis_image}. The first heatmap of a new
 * analysis is drawn in the background right after its transaction commits (image coding is the slowest part of
 * an analysis, and the result page asks for it a moment later); a request for an image being drawn waits for
 * that drawing instead of starting another.
 */
@Component
public class Renderer implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Renderer.class);

    private final AnalysisImageRepository images;
    private final TransactionTemplate transaction;
    private final ConcurrentMap<AnalysisImage.Key, CompletableFuture<EncodedImage>> inFlight = new ConcurrentHashMap<>();
    // One thread: background drawing must not take both cores from the requests in progress. A full queue
    // drops the eager drawing; the image is then drawn on its first request.
    private final ThreadPoolExecutor background = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(64), r -> {
                Thread t = new Thread(r, "analysis-render");
                t.setDaemon(true);
                return t;
            });
    private final List<Double> recentMillis = new ArrayList<>();

    Renderer(AnalysisImageRepository images, PlatformTransactionManager transactions) {
        this.images = images;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** Claims the image before its analysis commits, so that no request draws it a second time meanwhile. */
    CompletableFuture<EncodedImage> reserve(AnalysisImage.Key key) {
        CompletableFuture<EncodedImage> future = new CompletableFuture<>();
        inFlight.put(key, future);
        return future;
    }

    /** Draws a reserved image in the background and stores it. */
    void renderInBackground(AnalysisImage.Key key, CompletableFuture<EncodedImage> reserved, Supplier<EncodedImage> draw) {
        try {
            background.execute(() -> drawAndStore(key, reserved, draw));
        } catch (RejectedExecutionException e) {
            release(key, reserved);
        }
    }

    /** Gives up a reservation (the analysis was not stored, or there is no time to draw now). */
    void release(AnalysisImage.Key key, CompletableFuture<EncodedImage> reserved) {
        inFlight.remove(key, reserved);
        reserved.completeExceptionally(new IllegalStateException("not drawn"));
    }

    /** The image being drawn right now, if any; empty when the drawing failed or was given up. */
    Optional<EncodedImage> awaitInFlight(AnalysisImage.Key key) {
        CompletableFuture<EncodedImage> future = inFlight.get(key);
        if (future == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(future.join());
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return Optional.empty();
        }
    }

    /** Draws on the calling thread (or joins a drawing in progress) and stores the result. */
    EncodedImage renderNow(AnalysisImage.Key key, Supplier<EncodedImage> draw) {
        CompletableFuture<EncodedImage> mine = new CompletableFuture<>();
        CompletableFuture<EncodedImage> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            try {
                return existing.join();
            } catch (CompletionException e) {
                return draw.get(); // the other drawing failed: draw without storing twice
            }
        }
        return drawAndStore(key, mine, draw);
    }

    /** Waits until no background drawing is queued or running (the benchmark separates its phases with this). */
    public void awaitIdle() {
        while (background.getQueue().size() > 0 || background.getActiveCount() > 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Milliseconds of recent background drawings (for the benchmark). */
    public synchronized List<Double> recentMillis() {
        return List.copyOf(recentMillis);
    }

    private EncodedImage drawAndStore(AnalysisImage.Key key, CompletableFuture<EncodedImage> future,
                                      Supplier<EncodedImage> draw) {
        long t = System.nanoTime();
        try {
            EncodedImage image = draw.get();
            try {
                transaction.executeWithoutResult(s -> images.save(new AnalysisImage(key, image.mediaType(), image.bytes())));
            } catch (DataAccessException e) {
                // Stored meanwhile by another instance, or the analysis was deleted: the picture is still right.
                log.debug("Rendering {} not stored: {}", key, e.getMessage());
            }
            future.complete(image);
            synchronized (this) {
                recentMillis.add((System.nanoTime() - t) / 1e6);
                if (recentMillis.size() > 1000) {
                    recentMillis.remove(0);
                }
            }
            return image;
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, future);
        }
    }

    @Override
    public void destroy() {
        background.shutdownNow();
    }
}
