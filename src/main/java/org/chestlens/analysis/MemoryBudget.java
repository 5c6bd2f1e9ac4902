package org.chestlens.analysis;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Heap for analyses in progress. Each upload reserves what its analysis will need at the peak (estimated from the
 * image header by {@code ImageDecoder.inspect}) before anything is decoded; an upload that does not fit waits in a
 * fair queue, and gets "busy, try again" (503 with Retry-After) when the queue holds too many bytes already or the
 * wait grows too long. Without this, six 49-megapixel uploads at once ran the heap out, and ImageIO reported the
 * {@link OutOfMemoryError} as a damaged file. An image larger than the whole budget runs alone.
 */
@Component
class MemoryBudget {

    private static final long KIB = 1024;

    private final long capacityKib;
    private final Semaphore free;
    private final long maxWaitingBytes;
    private final AtomicLong waitingBytes = new AtomicLong();
    private final Duration maxWait;

    @Autowired
    MemoryBudget(@Value("${chestlens.analysis.memory-budget:0}") DataSize budget,
                 @Value("${chestlens.analysis.admission-wait:30s}") Duration maxWait) {
        this(budget.toBytes() > 0 ? budget.toBytes() : defaultBudget(), maxWait);
    }

    MemoryBudget(long bytes, Duration maxWait) {
        this.capacityKib = Math.max(1, Math.min(Integer.MAX_VALUE, bytes / KIB));
        this.free = new Semaphore((int) capacityKib, true);
        // Waiting uploads hold their bytes already: a quarter of the budget at most, so that the queue stays bounded.
        this.maxWaitingBytes = capacityKib * KIB / 4;
        this.maxWait = maxWait;
    }

    /** Half of the heap the JVM may grow to (-Xmx): the rest is for the models' caches, sessions and the index. */
    static long defaultBudget() {
        return Runtime.getRuntime().maxMemory() / 2;
    }

    /** The budget, in bytes. */
    public long capacity() {
        return capacityKib * KIB;
    }

    /** What a reservation holds; closing it gives the memory back. */
    final class Reservation implements AutoCloseable {

        private final int kib;
        private boolean released;

        private Reservation(int kib) {
            this.kib = kib;
        }

        /** How much was reserved, in bytes (at most the whole budget). */
        public long bytes() {
            return kib * KIB;
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                free.release(kib);
            }
        }
    }

    /**
     * Reserves {@code bytes} (capped at the whole budget), waiting in turn while others hold too much.
     *
     * @param uploadBytes the size of the upload, which the caller holds in memory while it waits
     * @throws InvalidUploadException {@link UploadProblem#BUSY} when the queue is full or the wait too long
     */
    public Reservation reserve(long bytes, long uploadBytes) {
        int kib = (int) Math.max(1, Math.min(capacityKib, (bytes + KIB - 1) / KIB));
        try {
            // Not plain tryAcquire(n), which would overtake the uploads already waiting.
            if (free.tryAcquire(kib, 0, TimeUnit.MILLISECONDS)) {
                return new Reservation(kib);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        if (waitingBytes.addAndGet(uploadBytes) > maxWaitingBytes) {
            waitingBytes.addAndGet(-uploadBytes);
            throw busy();
        }
        try {
            if (free.tryAcquire(kib, maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Reservation(kib);
            }
            throw busy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        } finally {
            waitingBytes.addAndGet(-uploadBytes);
        }
    }

    /** Bytes free now (for tests and the usage page). */
    public long available() {
        return free.availablePermits() * KIB;
    }

    private static InvalidUploadException busy() {
        return new InvalidUploadException(UploadProblem.BUSY, "The server is busy analysing other large images. "
                + "Nothing was stored; please try again in a minute.");
    }
}
