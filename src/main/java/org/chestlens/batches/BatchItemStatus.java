package org.chestlens.batches;

/** Where one file of a batch stands. RUNNING is read from the job's execution row, never stored. */
public enum BatchItemStatus {
    /** Waiting for its job. */
    QUEUED,
    /** A node is analysing it now. */
    RUNNING,
    /** Analysed and stored; the analysis may still be REJECTED (not a usable chest X-ray), said in the reason. */
    DONE,
    /** Not analysed: the file was refused, with the reason. */
    REFUSED,
    /** The job gave up after retries (e.g. no models installed for a long time), with the reason. */
    FAILED;

    public boolean finished() {
        return this == DONE || this == REFUSED || this == FAILED;
    }
}
