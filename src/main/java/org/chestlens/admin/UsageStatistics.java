package org.chestlens.admin;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.chestlens.admin.UsageReport.Bucket;
import org.chestlens.admin.UsageReport.BucketSize;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.FindingDescription;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Usage statistics for administrators, computed by SQL over {@code analysis_usage} (one row per analysis ever
 * made, kept when the analysis is purged or its account deleted) and {@code account}. Days are calendar days in
 * the server's time zone.
 */
@Service
class UsageStatistics {

    /** Longer ranges are charted per week, then per month, so the chart keeps a readable number of bars. */
    private static final int MAX_DAILY_BARS = 92;
    private static final int MAX_WEEKLY_BARS = 106;

    private final JdbcTemplate jdbc;
    private final AnalysisService analyses;
    private final Clock clock;
    private final ZoneId zone = ZoneId.systemDefault();

    UsageStatistics(JdbcTemplate jdbc, AnalysisService analyses, Clock clock) {
        this.jdbc = jdbc;
        this.analyses = analyses;
        this.clock = clock;
    }

    /** The period up to and including today. */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    UsageReport report(UsagePeriod period) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
        return report(period.days == 0 ? Optional.empty() : Optional.of(today.minusDays(period.days - 1L)), today, zone);
    }

    /**
     * From {@code firstDay} (empty: the day of the first analysis ever) to {@code lastDay}, both included, with
     * days in {@code zone}. One repeatable-read transaction: every query sees the same snapshot, so the numbers
     * agree with each other.
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    UsageReport report(Optional<LocalDate> firstDay, LocalDate lastDay, ZoneId zone) {
        Instant to = lastDay.plusDays(1).atStartOfDay(zone).toInstant();
        LocalDate first = firstDay.orElseGet(() -> Optional.ofNullable(jdbc.queryForObject(
                        "select min(occurred_at) from analysis_usage where occurred_at < ?", OffsetDateTime.class, at(to)))
                .map(t -> LocalDate.ofInstant(t.toInstant(), zone)).orElse(lastDay));
        Instant from = first.atStartOfDay(zone).toInstant();
        UsageReport.Volume volume = volume(from, to);
        BucketSize size = bucketSize(first, lastDay);
        return new UsageReport(first, lastDay, zone, volume, latency(from, to), accounts(from, to), size,
                buckets(first, lastDay, zone, size, from, to), findingRates(from, to, volume.completed()),
                rejections(from, to), models(from, to));
    }

    private UsageReport.Volume volume(Instant from, Instant to) {
        return jdbc.queryForObject("""
                select count(*) as total,
                       count(*) filter (where status = 'REJECTED') as rejected,
                       count(*) filter (where not registered) as anonymous,
                       count(*) filter (where registered) as registered,
                       count(*) filter (where channel = 'API') as api,
                       count(distinct account_id) as users
                  from analysis_usage where occurred_at >= ? and occurred_at < ?""",
                (rs, n) -> new UsageReport.Volume(rs.getLong("total"), rs.getLong("rejected"), rs.getLong("anonymous"),
                        rs.getLong("registered"), rs.getLong("api"), rs.getLong("users")), at(from), at(to));
    }

    private Optional<UsageReport.Latency> latency(Instant from, Instant to) {
        UsageReport.Latency latency = jdbc.queryForObject("""
                select count(total_ms) as measured,
                       percentile_cont(0.5) within group (order by total_ms) as p50,
                       percentile_cont(0.95) within group (order by total_ms) as p95,
                       max(total_ms) as max
                  from analysis_usage where occurred_at >= ? and occurred_at < ?""",
                (rs, n) -> new UsageReport.Latency(rs.getLong("measured"), rs.getDouble("p50"), rs.getDouble("p95"),
                        rs.getDouble("max")), at(from), at(to));
        return latency == null || latency.measured() == 0 ? Optional.empty() : Optional.of(latency);
    }

    private UsageReport.Accounts accounts(Instant from, Instant to) {
        return jdbc.queryForObject("""
                select count(*) as total,
                       count(*) filter (where created_at >= ? and created_at < ?) as new_in_range,
                       count(*) filter (where not enabled) as disabled,
                       count(*) filter (where admin) as admins
                  from account""",
                (rs, n) -> new UsageReport.Accounts(rs.getLong("total"), rs.getLong("new_in_range"),
                        rs.getLong("disabled"), rs.getLong("admins")), at(from), at(to));
    }

    static BucketSize bucketSize(LocalDate first, LocalDate last) {
        long days = ChronoUnit.DAYS.between(first, last) + 1;
        return days <= MAX_DAILY_BARS ? BucketSize.DAY : days <= MAX_WEEKLY_BARS * 7L ? BucketSize.WEEK : BucketSize.MONTH;
    }

    /**
     * Every bucket of the range, empty ones too. Weeks start on Monday and months on the 1st; the first and last
     * bucket are cut to the range. The boundaries are computed here and sent as arrays, so PostgreSQL never has
     * to interpret the time zone.
     */
    private List<Bucket> buckets(LocalDate first, LocalDate last, ZoneId zone, BucketSize size, Instant from, Instant to) {
        LocalDate start = switch (size) {
            case DAY -> first;
            case WEEK -> first.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> first.withDayOfMonth(1);
        };
        List<LocalDate> shown = new ArrayList<>();
        List<String> lower = new ArrayList<>();
        List<String> upper = new ArrayList<>();
        for (LocalDate d = start; !d.isAfter(last); d = next(d, size)) {
            shown.add(d.isBefore(first) ? first : d);
            Instant begin = d.atStartOfDay(zone).toInstant();
            Instant end = next(d, size).atStartOfDay(zone).toInstant();
            lower.add((begin.isBefore(from) ? from : begin).toString());
            upper.add((end.isAfter(to) ? to : end).toString());
        }
        return jdbc.query("""
                select b.n,
                       count(u.id) filter (where u.status = 'COMPLETED' and u.registered) as registered_completed,
                       count(u.id) filter (where u.status = 'COMPLETED' and not u.registered) as anonymous_completed,
                       count(u.id) filter (where u.status = 'REJECTED') as rejected,
                       count(u.id) filter (where u.status = 'REJECTED' and not u.registered) as rejected_anonymous
                  from unnest(?::timestamptz[], ?::timestamptz[]) with ordinality as b (lo, hi, n)
                  left join analysis_usage u on u.occurred_at >= b.lo and u.occurred_at < b.hi
                 group by b.n order by b.n""",
                (rs, n) -> new Bucket(shown.get(rs.getInt("n") - 1),
                        rs.getLong("registered_completed"), rs.getLong("anonymous_completed"), rs.getLong("rejected"),
                        rs.getLong("rejected_anonymous")),
                array(lower), array(upper));
    }

    private static LocalDate next(LocalDate d, BucketSize size) {
        return switch (size) {
            case DAY -> d.plusDays(1);
            case WEEK -> d.plusWeeks(1);
            case MONTH -> d.plusMonths(1);
        };
    }

    /**
     * Reported findings of the installed model card in its order (never-positive ones at 0), then codes only older
     * model releases reported.
     */
    private List<UsageReport.FindingRate> findingRates(Instant from, Instant to, long completed) {
        Map<String, Long> positives = new LinkedHashMap<>();
        jdbc.query("""
                select code, count(*) as positive
                  from analysis_usage u cross join lateral unnest(string_to_array(u.positive_findings, ',')) as code
                 where u.status = 'COMPLETED' and u.occurred_at >= ? and u.occurred_at < ?
                 group by code order by code""",
                (ResultSet rs) -> {
                    positives.put(rs.getString("code"), rs.getLong("positive"));
                }, at(from), at(to));
        List<UsageReport.FindingRate> rates = new ArrayList<>();
        Map<String, String> labels = analyses.findingCatalogue().stream().filter(FindingDescription::reported)
                .collect(Collectors.toMap(FindingDescription::code, FindingDescription::label, (a, b) -> a, LinkedHashMap::new));
        labels.forEach((code, label) -> rates.add(new UsageReport.FindingRate(code, label,
                positives.getOrDefault(code, 0L), completed)));
        positives.forEach((code, n) -> {
            if (!labels.containsKey(code)) {
                rates.add(new UsageReport.FindingRate(code, code, n, completed));
            }
        });
        return rates;
    }

    private List<UsageReport.RejectionCount> rejections(Instant from, Instant to) {
        return jdbc.query("""
                select coalesce(rejection_rule, 'unknown') as rule, count(*) as n,
                       (array_agg(rejection_reason order by occurred_at desc))[1] as reason
                  from analysis_usage
                 where status = 'REJECTED' and occurred_at >= ? and occurred_at < ?
                 group by 1 order by n desc, rule""",
                (rs, n) -> new UsageReport.RejectionCount(rs.getString("rule"),
                        Optional.ofNullable(rs.getString("reason")).orElse(""), rs.getLong("n")),
                at(from), at(to));
    }

    /** First and last use over all time (when a release came and went), counts in the range. */
    private List<UsageReport.ModelUse> models(Instant from, Instant to) {
        return jdbc.query("""
                select model_name, model_version,
                       count(*) filter (where occurred_at >= ? and occurred_at < ?) as n,
                       min(occurred_at) as first_used, max(occurred_at) as last_used
                  from analysis_usage
                 group by model_name, model_version
                having count(*) filter (where occurred_at >= ? and occurred_at < ?) > 0
                 order by last_used desc, model_name, model_version""",
                (rs, n) -> new UsageReport.ModelUse(rs.getString("model_name"), rs.getString("model_version"),
                        rs.getLong("n"), instant(rs, "first_used"), instant(rs, "last_used")),
                at(from), at(to), at(from), at(to));
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** A PostgreSQL array literal of ISO instants. */
    private static String array(List<String> instants) {
        return "{" + String.join(",", instants) + "}";
    }
}
