package org.chestlens.admin;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Usage of ChestLens over a range of days (both included, calendar days in {@code zone}), as
 * {@link UsageStatistics} computes it.
 *
 * @param buckets    analyses per day (per week or month for long ranges), oldest first, empty ones included
 * @param findings   positive rate per reported finding among the completed analyses, model-card order
 * @param rejections by gate rule, most frequent first
 * @param models     model releases used in the range, most recently used first
 */
record UsageReport(LocalDate firstDay, LocalDate lastDay, ZoneId zone, Volume volume, Optional<Latency> latency, Accounts accounts,
                   BucketSize bucketSize, List<Bucket> buckets, List<FindingRate> findings,
                   List<RejectionCount> rejections, List<ModelUse> models) {

    /** Whether any analysis was made in the range. */
    boolean empty() {
        return volume.total() == 0;
    }

    /** Analyses made in the range; {@code activeUsers}: distinct accounts among the registered ones. */
    record Volume(long total, long rejected, long anonymous, long registered, long viaApi, long activeUsers) {

        long completed() {
            return total - rejected;
        }

        double rejectionRate() {
            return total == 0 ? 0 : rejected / (double) total;
        }
    }

    /** End-to-end time of an analysis in milliseconds, over the analyses that recorded it. */
    record Latency(long measured, double p50, double p95, double max) {
    }

    /** Accounts now; {@code newInRange}: registered within the range. */
    record Accounts(long total, long newInRange, long disabled, long admins) {
    }

    enum BucketSize {
        DAY("day"), WEEK("week"), MONTH("month");

        final String noun;

        BucketSize(String noun) {
            this.noun = noun;
        }
    }

    /**
     * One bar of the volume chart. The three counts partition the bucket's analyses: completed ones by
     * registered and anonymous users, and the rejected ones; {@code rejectedAnonymous} says how many of the
     * rejected were anonymous.
     */
    record Bucket(LocalDate start, long registeredCompleted, long anonymousCompleted, long rejected, long rejectedAnonymous) {

        long total() {
            return registeredCompleted + anonymousCompleted + rejected;
        }

        long registered() {
            return registeredCompleted + rejected - rejectedAnonymous;
        }

        long anonymous() {
            return anonymousCompleted + rejectedAnonymous;
        }
    }

    record FindingRate(String code, String label, long positive, long completed) {

        double rate() {
            return completed == 0 ? 0 : positive / (double) completed;
        }
    }

    /** {@code reason}: the sentence users were given, as most recently recorded for the rule. */
    record RejectionCount(String rule, String reason, long count) {
    }

    /** {@code analyses} in the range; first and last use over all time. */
    record ModelUse(String name, String version, long analyses, Instant firstUsed, Instant lastUsed) {
    }
}
