package org.chestlens.analysis;

import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes a new analysis, its findings and images with plain SQL inside the caller's transaction (the findings and
 * images batched), and its row of {@code analysis_usage}. The upload itself, the largest write, can go first,
 * while the models run. This is the hot path of every upload; JPA is kept for reading and for the few later changes.
 */
@Component
class AnalysisWriter {

    private static final Converters.NumberMap NUMBERS = new Converters.NumberMap();
    private static final Converters.CodeSet CODES = new Converters.CodeSet();

    private final JdbcTemplate jdbc;

    AnalysisWriter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    record Image(AnalysisImage.Kind kind, String findingCode, String mediaType, byte[] bytes) {
    }

    /** The id the next analysis will have (its images can be written before its row: the reference is deferred). */
    long reserveId() {
        Long id = jdbc.queryForObject("select nextval(pg_get_serial_sequence('analysis', 'id'))", Long.class);
        return id == null ? -1 : id;
    }

    /** Inserts images of the analysis {@code id}; must run inside the transaction that inserts the analysis. */
    void insertImages(long id, List<Image> images) {
        if (images.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>();
        for (Image image : images) {
            rows.add(new Object[] {id, image.kind().name(), image.findingCode(), image.mediaType(), image.bytes()});
        }
        jdbc.batchUpdate("insert into analysis_image (analysis_id, kind, finding_code, media_type, bytes) values (?, ?, ?, ?, ?)",
                rows, new int[] {Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.BINARY});
    }

    /**
     * Inserts the analysis under a {@link #reserveId() reserved id} with its usage row (one statement), then its
     * findings (one batch). Must run inside a transaction. {@code elapsedMillis} is read first, for the usage row:
     * the time since the upload arrived, all but these writes and the commit.
     */
    void insert(long id, Analysis a, AnalysisRequest.Channel channel, DoubleSupplier elapsedMillis) {
        double totalMillis = elapsedMillis.getAsDouble();
        String positive = a.getStatus() != AnalysisStatus.COMPLETED ? null : a.getFindings().stream()
                .filter(f -> f.reported() && f.positive())
                .sorted(Comparator.comparingInt(AnalysisFinding::position))
                .map(AnalysisFinding::code).collect(Collectors.joining(","));
        // The usage row outlives the analysis (retention purge, deleted account): no reference to it.
        jdbc.update("""
                with stored as (
                    insert into analysis (id, public_id, owner_id, patient_id, study_date, note, file_name, status,
                        rejection_rule, rejection_reason, rejection_suggestion, created_at, expires_at, model_name,
                        model_version, image_format, image_width, image_height, image_size_bytes, image_bit_depth,
                        anomaly_mse, anomaly_kl, anomaly_neg_elbo, anomaly_mse_pct, anomaly_kl_pct, anomaly_neg_elbo_pct,
                        anomaly_map, anomaly_map_width, anomaly_map_height, embedding, embedding_space, cam_width,
                        cam_height, gate_features, timings, confirmed_findings)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))
                insert into analysis_usage (occurred_at, registered, account_id, channel, status, rejection_rule,
                    rejection_reason, total_ms, model_name, model_version, positive_findings, image_format)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                id, a.getPublicId(), a.getOwnerId(), a.getPatientId(),
                a.getStudyDate() == null ? null : java.sql.Date.valueOf(a.getStudyDate()), a.getNote(), a.getFileName(),
                a.getStatus().name(), a.getRejectionRule(), a.getRejectionReason(), a.getRejectionSuggestion(),
                Timestamp.from(a.getCreatedAt()), a.getExpiresAt() == null ? null : Timestamp.from(a.getExpiresAt()),
                a.getModelName(), a.getModelVersion(), a.getImageFormat(), a.getImageWidth(), a.getImageHeight(),
                a.getImageSizeBytes(), a.getImageBitDepth(), a.getAnomalyMse(), a.getAnomalyKl(), a.getAnomalyNegElbo(),
                a.getAnomalyMsePercentile(), a.getAnomalyKlPercentile(), a.getAnomalyNegElboPercentile(),
                a.getAnomalyMap(), a.getAnomalyMapWidth(), a.getAnomalyMapHeight(), a.getEmbedding(),
                a.getEmbeddingSpace(), a.getCamWidth(), a.getCamHeight(), NUMBERS.convertToDatabaseColumn(a.getGateFeatures()),
                NUMBERS.convertToDatabaseColumn(a.getTimings()), CODES.convertToDatabaseColumn(a.getConfirmedFindings()),
                Timestamp.from(a.getCreatedAt()), a.getOwnerId() != null, a.getOwnerId(), channel.name(),
                a.getStatus().name(), a.getRejectionRule(), a.getRejectionReason(), totalMillis, a.getModelName(),
                a.getModelVersion(), positive, a.getImageFormat());
        List<Object[]> findings = new ArrayList<>();
        for (AnalysisFinding f : a.getFindings()) {
            findings.add(new Object[] {id, f.code(), f.position(), f.label(), f.probability(), f.threshold(), f.positive(),
                    f.reported(), f.memberProbabilitiesJson(), f.cam()});
        }
        jdbc.batchUpdate("""
                insert into analysis_finding (analysis_id, code, position, label, probability, threshold, positive,
                    reported, member_probabilities, cam) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", findings,
                new int[] {Types.BIGINT, Types.VARCHAR, Types.INTEGER, Types.VARCHAR, Types.DOUBLE, Types.DOUBLE,
                        Types.BOOLEAN, Types.BOOLEAN, Types.VARCHAR, Types.BINARY});
    }
}
