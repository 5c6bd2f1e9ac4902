package org.chestlens.batches;

import java.time.Instant;
import java.util.List;

/** A batch upload with its files, as its owner sees it. */
public record Batch(String id, Instant createdAt, List<BatchItem> items) {

    public long count(BatchItemStatus status) {
        return items.stream().filter(i -> i.status() == status).count();
    }

    public long finished() {
        return items.stream().filter(i -> i.status().finished()).count();
    }

    /** Every file has its outcome (nothing queued or running). */
    public boolean complete() {
        return finished() == items.size();
    }
}
