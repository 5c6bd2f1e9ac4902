package org.chestlens.worklist;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.FindingDescription;
import org.chestlens.ui.Dates;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * A clinician's triage worklist: their own completed studies that have no feedback yet, most urgent first
 * ({@link Urgency}), optionally only those positive for one finding and dated within a range. Feedback on a study
 * (the patients feature's {@code FeedbackService}: a verdict on any finding, or a note) marks it reviewed and takes
 * it off the list; feedback saved empty (everything withdrawn) puts it back.
 *
 * <p>Read with SQL over the analysis, finding, feedback and patient tables (as the admin statistics are): the list
 * joins three features' data, and none of them should have to know about a worklist. Only light columns are read
 * (never images, maps or embeddings). The urgency is computed here, in Java, by the same function the
 * {@code triage-check} measurement uses; so a page request reads the owner's whole unreviewed list and sorts it,
 * which stays cheap for the thousands of studies a clinician has waiting, not for millions.
 */
@Service
public class Worklist {

    /** One row per study and reported finding (a study whose findings are all unreported still gives one row). */
    private static final String CANDIDATES = """
            select a.public_id, a.patient_id, p.reference, a.study_date, a.created_at, a.file_name,
                   a.anomaly_neg_elbo_pct, f.code, f.label, f.probability, f.threshold, f.positive, f.position
            from analysis a
            left join patient p on p.id = a.patient_id
            left join analysis_finding f on f.analysis_id = a.id and f.reported
            where a.owner_id = ? and a.status = 'COMPLETED'
              and not exists (select 1 from analysis_feedback r where r.analysis_public_id = a.public_id
                              and (r.note is not null or exists (select 1 from finding_feedback v
                                                                 where v.analysis_public_id = r.analysis_public_id)))
            """;

    private static final String POSITIVE_FOR = """
              and exists (select 1 from analysis_finding s
                          where s.analysis_id = a.id and s.code = ? and s.positive and s.reported)
            """;

    private static final Comparator<WorklistEntry> ORDER = Comparator
            .comparing(WorklistEntry::urgency, Urgency.MOST_URGENT_FIRST)
            // Equally urgent: the one waiting longest first; the id keeps pages stable.
            .thenComparing(WorklistEntry::createdAt)
            .thenComparing(WorklistEntry::publicId);

    private final JdbcTemplate jdbc;
    private final AnalysisService analyses;

    Worklist(JdbcTemplate jdbc, AnalysisService analyses) {
        this.jdbc = jdbc;
        this.analyses = analyses;
    }

    /** One page of the owner's unreviewed studies, most urgent first. */
    public Page<WorklistEntry> page(long ownerId, WorklistFilter filter, Pageable pageable) {
        List<WorklistEntry> all = list(ownerId, filter);
        if (pageable.isUnpaged()) {
            return new PageImpl<>(all);
        }
        int from = (int) Math.min(all.size(), pageable.getOffset());
        int to = Math.min(all.size(), from + pageable.getPageSize());
        return new PageImpl<>(all.subList(from, to), pageable, all.size());
    }

    /** The owner's whole unreviewed list, most urgent first. */
    public List<WorklistEntry> list(long ownerId, WorklistFilter filter) {
        List<Object> arguments = new ArrayList<>(List.of(ownerId));
        StringBuilder sql = new StringBuilder(CANDIDATES);
        filter.finding().ifPresent(code -> {
            sql.append(POSITIVE_FOR);
            arguments.add(code);
        });
        sql.append(" order by a.id, f.position");
        Set<String> normal = analyses.normalFindingCodes();
        Map<String, Study> studies = new LinkedHashMap<>();
        jdbc.query(sql.toString(), rs -> {
            Study study = studies.computeIfAbsent(rs.getString("public_id"), id -> {
                try {
                    long patient = rs.getLong("patient_id");
                    Optional<Long> patientId = rs.wasNull() ? Optional.empty() : Optional.of(patient);
                    Timestamp created = rs.getTimestamp("created_at");
                    java.sql.Date date = rs.getDate("study_date");
                    return new Study(id, patientId, Optional.ofNullable(rs.getString("reference")),
                            Optional.ofNullable(date).map(java.sql.Date::toLocalDate), created.toInstant(),
                            rs.getString("file_name"), rs.getDouble("anomaly_neg_elbo_pct"), new ArrayList<>());
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            String code = rs.getString("code");
            if (code != null) {
                study.findings().add(new StoredFinding(code, rs.getString("label"), rs.getDouble("probability"),
                        rs.getDouble("threshold"), rs.getBoolean("positive"), normal.contains(code)));
            }
        }, arguments.toArray());
        ZoneId zone = Dates.zone();
        return studies.values().stream()
                .map(Study::toEntry)
                .filter(e -> filter.from().map(d -> !e.listedDate(zone).isBefore(d)).orElse(true))
                .filter(e -> filter.to().map(d -> !e.listedDate(zone).isAfter(d)).orElse(true))
                .sorted(ORDER)
                .toList();
    }

    /** The findings one can filter on: reported, not the normal-study finding, in model-card order. */
    public List<FindingDescription> findings() {
        Set<String> normal = analyses.normalFindingCodes();
        return analyses.findingCatalogue().stream().filter(FindingDescription::reported)
                .filter(f -> !normal.contains(f.code())).toList();
    }

    private record StoredFinding(String code, String label, double probability, double threshold, boolean positive,
                                 boolean normal) {
        Urgency.Call call() {
            return new Urgency.Call(probability, threshold, positive, normal, true);
        }
    }

    private record Study(String publicId, Optional<Long> patientId, Optional<String> reference,
                         Optional<LocalDate> studyDate, java.time.Instant createdAt, String fileName,
                         double anomalyPercentile, List<StoredFinding> findings) {
        WorklistEntry toEntry() {
            Urgency urgency = Urgency.of(findings.stream().map(StoredFinding::call).toList(), anomalyPercentile);
            List<WorklistEntry.TopFinding> top = findings.stream().filter(f -> f.call().counts())
                    .sorted(Comparator.comparingDouble((StoredFinding f) -> f.call().relative()).reversed())
                    .map(f -> new WorklistEntry.TopFinding(f.code(), f.label(), f.probability(), f.threshold()))
                    .toList();
            return new WorklistEntry(publicId, patientId, reference, studyDate, createdAt, fileName, top,
                    anomalyPercentile, urgency);
        }
    }
}
