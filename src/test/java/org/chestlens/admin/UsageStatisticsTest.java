package org.chestlens.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDate;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.chestlens.KaribuTest;
import org.chestlens.TestAccounts;
import org.chestlens.admin.UsageReport.Bucket;
import org.chestlens.admin.UsageReport.BucketSize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The statistics' SQL on rows inserted directly, in a range of days far in the past that no other test uses
 * (chosen at random, rows deleted afterwards), so the numbers are exact even in a shared database.
 */
class UsageStatisticsTest extends KaribuTest {

    /** Days start at local midnight here, not at UTC midnight. */
    private static final ZoneId ZONE = ZoneId.of("America/New_York");

    @Autowired
    UsageStatistics statistics;
    @Autowired
    JdbcTemplate jdbc;

    private final List<Long> usageRows = new ArrayList<>();
    private final List<Long> accountRows = new ArrayList<>();
    private LocalDate day0;
    private String model;

    @BeforeEach
    void chooseRange() {
        day0 = LocalDate.of(1980, 1, 1).plusDays(ThreadLocalRandom.current().nextInt(30 * 365));
        model = "usage-test-" + System.nanoTime();
    }

    @AfterEach
    void deleteRows() {
        usageRows.forEach(id -> jdbc.update("delete from analysis_usage where id = ?", id));
        accountRows.forEach(id -> jdbc.update("delete from account where id = ?", id));
    }

    @Test
    void countsRatesLatencyAndModelsOverTheRange() {
        long alice = 9_000_000_000L + ThreadLocalRandom.current().nextInt(1_000_000);
        long bob = alice + 1;
        // Day 0: one of each kind; day 1: nothing; day 2: registered only, one via the API, one without a latency.
        usage(at(day0, 0, 0), alice, "UI", null, 100.0, "v1", "pneumonia,effusion");
        usage(at(day0, 12, 0), null, "UI", null, 200.0, "v1", "");
        usage(at(day0, 23, 59), null, "UI", "input.saturation", 300.0, "v1", null);
        usage(at(day0.plusDays(2), 8, 0), bob, "API", null, 400.0, "v2", "pneumonia,retired_code");
        usage(at(day0.plusDays(2), 9, 0), alice, "UI", "blank", 500.0, "v2", null);
        usage(at(day0.plusDays(2), 10, 0), alice, "UI", null, null, "v2", "");
        // Just outside the range on both sides (a UTC-midnight bucketing would count the first one in).
        usage(at(day0, 0, 0).minusSeconds(1), alice, "UI", null, 9999.0, "v1", "");
        Instant after = at(day0.plusDays(3), 0, 0);
        usage(after, alice, "UI", null, 9999.0, "v2", "");
        long newcomer = account(at(day0.plusDays(1), 15, 0), true, false);

        UsageReport report = statistics.report(Optional.of(day0), day0.plusDays(2), ZONE);

        assertThat(report.firstDay()).isEqualTo(day0);
        assertThat(report.volume()).isEqualTo(new UsageReport.Volume(6, 2, 2, 4, 1, 2));
        assertThat(report.volume().completed()).isEqualTo(4);
        assertThat(report.volume().rejectionRate()).isCloseTo(2 / 6.0, within(1e-9));
        UsageReport.Latency latency = report.latency().orElseThrow();
        assertThat(latency.measured()).isEqualTo(5);
        assertThat(latency.p50()).isCloseTo(300, within(1e-9));
        assertThat(latency.p95()).as("interpolated: 400 + 0.8 x 100").isCloseTo(480, within(1e-9));
        assertThat(latency.max()).isEqualTo(500);

        assertThat(report.bucketSize()).isEqualTo(BucketSize.DAY);
        assertThat(report.buckets()).containsExactly(
                new Bucket(day0, 1, 1, 1, 1),
                new Bucket(day0.plusDays(1), 0, 0, 0, 0),
                new Bucket(day0.plusDays(2), 2, 0, 1, 0));
        assertThat(report.buckets().get(2).registered()).isEqualTo(3);
        assertThat(report.buckets().get(0).anonymous()).isEqualTo(2);

        // The installed (test) model card's reported findings in its order, then codes only older releases knew.
        assertThat(report.findings()).containsExactly(
                new UsageReport.FindingRate("no_finding", "No Finding", 0, 4),
                new UsageReport.FindingRate("pneumonia", "Pneumonia", 2, 4),
                new UsageReport.FindingRate("covid_19", "COVID-19", 0, 4),
                new UsageReport.FindingRate("effusion", "Effusion", 1, 4),
                new UsageReport.FindingRate("retired_code", "retired_code", 1, 4));
        assertThat(report.findings().get(1).rate()).isEqualTo(0.5);

        assertThat(report.rejections()).containsExactly(
                new UsageReport.RejectionCount("blank", "reason for blank", 1),
                new UsageReport.RejectionCount("input.saturation", "reason for input.saturation", 1));

        // Counts in the range, first and last use over all time.
        assertThat(report.models()).containsExactly(
                new UsageReport.ModelUse(model, "v2", 3, at(day0.plusDays(2), 8, 0), after),
                new UsageReport.ModelUse(model, "v1", 3, at(day0, 0, 0).minusSeconds(1), at(day0, 23, 59)));

        assertThat(report.accounts().newInRange()).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from account where id = ?", Integer.class, newcomer)).isOne();
    }

    @Test
    void accountNumbersAreTheWholeTableNow() {
        UsageReport.Accounts before = statistics.report(Optional.of(day0), day0, ZONE).accounts();
        account(Instant.now(), false, true);
        account(Instant.now(), true, false);
        UsageReport.Accounts after = statistics.report(Optional.of(day0), day0, ZONE).accounts();
        assertThat(after.total()).isEqualTo(before.total() + 2);
        assertThat(after.disabled()).isEqualTo(before.disabled() + 1);
        assertThat(after.admins()).isEqualTo(before.admins() + 1);
        assertThat(after.newInRange()).isZero();
    }

    @Test
    void anEmptyRangeHasEveryDayAtZeroAndNoLatency() {
        UsageReport report = statistics.report(Optional.of(day0), day0.plusDays(6), ZONE);
        assertThat(report.empty()).isTrue();
        assertThat(report.latency()).isEmpty();
        assertThat(report.buckets()).hasSize(7).allSatisfy(b -> assertThat(b.total()).isZero());
        assertThat(report.rejections()).isEmpty();
        assertThat(report.models()).isEmpty();
        assertThat(report.findings()).allSatisfy(f -> assertThat(f.positive()).isZero());
    }

    @Test
    void longRangesAreChartedPerWeekThenPerMonth() {
        assertThat(UsageStatistics.bucketSize(day0, day0.plusDays(91))).isEqualTo(BucketSize.DAY);
        assertThat(UsageStatistics.bucketSize(day0, day0.plusDays(92))).isEqualTo(BucketSize.WEEK);
        assertThat(UsageStatistics.bucketSize(day0, day0.plusDays(741))).isEqualTo(BucketSize.WEEK);
        assertThat(UsageStatistics.bucketSize(day0, day0.plusDays(742))).isEqualTo(BucketSize.MONTH);

        LocalDate monday = day0.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
        LocalDate wednesday = monday.plusDays(2);
        usage(at(wednesday, 9, 0), null, "UI", null, 100.0, "v1", "");
        usage(at(monday.plusDays(7), 9, 0), null, "UI", null, 100.0, "v1", "");
        usage(at(monday.minusDays(1), 9, 0), null, "UI", null, 100.0, "v1", "");
        UsageReport weekly = statistics.report(Optional.of(wednesday), wednesday.plusDays(99), ZONE);
        assertThat(weekly.bucketSize()).isEqualTo(BucketSize.WEEK);
        // The first week is cut to the range: it starts on the Wednesday; the others on Mondays.
        assertThat(weekly.buckets().get(0).start()).isEqualTo(wednesday);
        assertThat(weekly.buckets().get(1).start()).isEqualTo(monday.plusDays(7));
        assertThat(weekly.buckets()).hasSize(15);
        assertThat(weekly.buckets()).extracting(Bucket::total).startsWith(1L, 1L, 0L);
        assertThat(weekly.volume().total()).isEqualTo(2);

        UsageReport monthly = statistics.report(Optional.of(day0), day0.plusYears(3), ZONE);
        assertThat(monthly.bucketSize()).isEqualTo(BucketSize.MONTH);
        assertThat(monthly.buckets()).hasSize(37);
        assertThat(monthly.buckets().get(0).start()).isEqualTo(day0);
        assertThat(monthly.buckets().get(1).start()).isEqualTo(day0.withDayOfMonth(1).plusMonths(1));
        assertThat(monthly.buckets().stream().mapToLong(Bucket::total).sum()).isEqualTo(monthly.volume().total());
    }

    private Instant at(LocalDate day, int hour, int minute) {
        return ZonedDateTime.of(day.atTime(hour, minute), ZONE).toInstant();
    }

    /** A usage row; a rejection rule makes it rejected, its reason derived from the rule. */
    private void usage(Instant when, Long account, String channel, String rejectionRule, Double totalMs, String version,
                       String positives) {
        Long id = jdbc.queryForObject("""
                insert into analysis_usage (occurred_at, registered, account_id, channel, status, rejection_rule,
                    rejection_reason, total_ms, model_name, model_version, positive_findings, image_format)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PNG') returning id""", Long.class,
                when.atOffset(ZoneOffset.UTC), account != null, account, channel,
                rejectionRule == null ? "COMPLETED" : "REJECTED", rejectionRule,
                rejectionRule == null ? null : "reason for " + rejectionRule, totalMs, model, version, positives);
        usageRows.add(id);
    }

    private long account(Instant createdAt, boolean enabled, boolean admin) {
        Long id = jdbc.queryForObject("""
                insert into account (email, display_name, password_hash, admin, enabled, created_at)
                values (?, 'Usage', 'x', ?, ?, ?) returning id""", Long.class,
                TestAccounts.uniqueEmail("usage"), admin, enabled, createdAt.atOffset(ZoneOffset.UTC));
        accountRows.add(id);
        return id;
    }
}
