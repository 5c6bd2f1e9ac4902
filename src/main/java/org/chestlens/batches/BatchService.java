package org.chestlens.batches;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.imaging.DicomStudyTags;
import org.chestlens.patients.Patient;
import org.chestlens.patients.PatientService;
import org.chestlens.security.CurrentUser;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;

/**
 * Batch uploads of the signed-in clinician (the owner is always taken here, so another clinician's batch is simply
 * not found). Each file is refused or stored with its job in one short transaction: a batch never holds a file
 * without its job, nor a job without its file, and no transaction waits on the client's upload.
 */
@Service
public class BatchService {

    /** One upload of a request: a file or a ZIP archive. */
    public interface Source {
        String name();

        InputStream open() throws IOException;

        /** An upload already in memory. */
        static Source of(String name, byte[] bytes) {
            return new Source() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public InputStream open() {
                    return new java.io.ByteArrayInputStream(bytes);
                }
            };
        }
    }

    static final String DICOM_NOTES = "Created by a batch upload from DICOM files. The reference is derived from the "
            + "DICOM patient ID, which is not stored; the same ID files its studies here again.";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Scheduler scheduler;
    private final OneTimeTask<BatchJob.ItemTask> itemTask;
    private final PatientService patients;
    private final CurrentUser currentUser;
    private final Clock clock;
    private final BatchFiles.Limits limits;

    BatchService(JdbcTemplate jdbc, PlatformTransactionManager transactions, Scheduler scheduler,
                 OneTimeTask<BatchJob.ItemTask> batchItemAnalysis, PatientService patients, CurrentUser currentUser,
                 Clock clock,
                 @Value("${chestlens.batch.max-files:500}") int maxFiles,
                 @Value("${chestlens.upload.max-bytes:30MB}") DataSize maxFileBytes,
                 @Value("${chestlens.batch.max-bytes:2GB}") DataSize maxTotalBytes,
                 @Value("${chestlens.batch.max-compression-ratio:100}") int maxRatio) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.scheduler = scheduler;
        this.itemTask = batchItemAnalysis;
        this.patients = patients;
        this.currentUser = currentUser;
        this.clock = clock;
        this.limits = new BatchFiles.Limits(maxFiles, maxFileBytes.toBytes(), maxTotalBytes.toBytes(), maxRatio);
    }

    /** How many files one batch may hold. */
    public int maxFiles() {
        return limits.maxFiles();
    }

    /**
     * A new batch of these uploads, every accepted file queued for analysis; refused files are listed with their
     * reason. Returns the batch id. Each file is stored with its job in a transaction of its own, so no database
     * connection waits on a slow client; an upload that breaks off keeps the files that arrived (they are analysed,
     * and the batch is listed on the Batch upload page).
     *
     * @param patientId files every study under this patient of the caller's (else DICOM files by their patient ID)
     * @throws BatchException no file at all, or a patient that is not the caller's
     * @throws IOException    the client's upload broke off
     */
    public String create(List<? extends Source> uploads, Optional<Long> patientId, AnalysisRequest.Channel channel)
            throws IOException {
        if (uploads.isEmpty()) {
            throw new BatchException(BatchException.Kind.NO_FILES, "Send at least one file (PNG, JPEG, DICOM or a ZIP of them).");
        }
        String id = start(patientId, channel);
        for (Source upload : uploads) {
            add(id, upload);
        }
        return id;
    }

    /** An empty batch, for the page that adds files as they arrive ({@link #add}). */
    public String start(Optional<Long> patientId, AnalysisRequest.Channel channel) {
        long owner = currentUser.requireAccountId();
        patientId.ifPresent(id -> patients.find(id).orElseThrow(() -> new BatchException(
                BatchException.Kind.NO_SUCH_PATIENT, "This patient does not exist or is not yours.")));
        String publicId = newPublicId();
        jdbc.update("insert into batch (public_id, owner_id, patient_id, created_at, channel) values (?, ?, ?, ?, ?)",
                publicId, owner, patientId.orElse(null), Timestamp.from(clock.instant()), channel.name());
        return publicId;
    }

    /**
     * Adds one upload (a file or a ZIP) to the caller's batch and queues its files; returns how many files it gave.
     * Uploads of one batch may arrive side by side (the page sends files at once); the batch's limits are checked
     * against what it held when each upload began.
     *
     * @throws java.util.NoSuchElementException no such batch of the caller's
     */
    public int add(String batchId, Source upload) throws IOException {
        long owner = currentUser.requireAccountId();
        record Row(long id, Long patientId) {
        }
        Row batch = jdbc.query("select id, patient_id from batch where public_id = ? and owner_id = ?",
                rs -> rs.next() ? new Row(rs.getLong(1), (Long) rs.getObject(2)) : null, batchId, owner);
        if (batch == null) {
            throw new java.util.NoSuchElementException("No such batch.");
        }
        Map<String, Object> held = jdbc.queryForMap("select count(*) as n, coalesce(sum(octet_length(content)), 0) as bytes"
                + " from batch_item where batch_id = ?", batch.id());
        BatchFiles files = new BatchFiles(limits, ((Number) held.get("n")).intValue(), ((Number) held.get("bytes")).longValue());
        Optional<Patient> chosen = Optional.ofNullable(batch.patientId()).flatMap(patients::find);
        Map<String, Long> byDicomId = new HashMap<>();
        int before = files.count();
        try (InputStream in = upload.open()) {
            files.read(upload.name(), in, file -> transaction.executeWithoutResult(status -> store(batch.id(), owner, file,
                    chosen, byDicomId)));
        }
        return files.count() - before;
    }

    /** One file of the batch, with its job when it is to be analysed: one short transaction. */
    private void store(long batchId, long owner, BatchFiles.File file, Optional<Patient> chosen, Map<String, Long> byDicomId) {
        int position = jdbc.queryForObject("update batch set file_count = file_count + 1 where id = ? returning file_count",
                Integer.class, batchId);
        if (file.refusal().isPresent()) {
            insertItem(batchId, position, file.name(), BatchItemStatus.REFUSED, file.refusal().get(), null, null, null);
            return;
        }
        byte[] content = file.content().orElseThrow();
        DicomStudyTags tags = DicomStudyTags.read(content);
        Long patientId = chosen.map(Patient::getId).orElseGet(() -> tags.patientId()
                .map(dicomId -> byDicomId.computeIfAbsent(dicomId,
                        k -> patients.findOrCreate(reference(owner, k), DICOM_NOTES).getId()))
                .orElse(null));
        LocalDate studyDate = tags.studyDate().filter(this::plausible).orElse(null);
        long item = insertItem(batchId, position, file.name(), BatchItemStatus.QUEUED, null, content, patientId, studyDate);
        scheduler.schedule(itemTask.instance(String.valueOf(item), new BatchJob.ItemTask(item)), clock.instant());
        // The job is in the table once this commits: poll now instead of at the next interval.
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                scheduler.triggerCheckForDueExecutions();
            }
        });
    }

    /** The caller's batch with its files; empty when there is none of theirs with this id. */
    public Optional<Batch> find(String batchId) {
        long owner = currentUser.requireAccountId();
        return find(batchId, owner);
    }

    Optional<Batch> find(String batchId, long owner) {
        record Row(long id, java.time.Instant createdAt) {
        }
        List<Row> rows = jdbc.query("select id, created_at from batch where public_id = ? and owner_id = ?",
                (rs, n) -> new Row(rs.getLong(1), rs.getTimestamp(2).toInstant()), batchId, owner);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        // RUNNING is what db-scheduler says: the file's execution is picked by a node now.
        List<BatchItem> items = jdbc.query("select i.position, i.file_name, i.status, i.reason, i.analysis_public_id,"
                        + " i.patient_id, p.reference, i.study_date, coalesce(t.picked, false) as picked"
                        + " from batch_item i left join patient p on p.id = i.patient_id"
                        + " left join scheduled_tasks t on t.task_name = ? and t.task_instance = i.id::text"
                        + " where i.batch_id = ? order by i.position",
                (rs, n) -> {
                    BatchItemStatus status = BatchItemStatus.valueOf(rs.getString("status"));
                    if (status == BatchItemStatus.QUEUED && rs.getBoolean("picked")) {
                        status = BatchItemStatus.RUNNING;
                    }
                    java.sql.Date date = rs.getDate("study_date");
                    return new BatchItem(rs.getInt("position"), rs.getString("file_name"), status,
                            Optional.ofNullable(rs.getString("reason")), Optional.ofNullable(rs.getString("analysis_public_id")),
                            Optional.ofNullable((Long) rs.getObject("patient_id")), Optional.ofNullable(rs.getString("reference")),
                            Optional.ofNullable(date).map(java.sql.Date::toLocalDate));
                }, BatchJob.TASK, rows.get(0).id());
        return Optional.of(new Batch(batchId, rows.get(0).createdAt(), items));
    }

    /** The caller's most recent batches (id, created, counts), newest first. */
    public List<Batch> recent(int limit) {
        long owner = currentUser.requireAccountId();
        return jdbc.queryForList("select public_id from batch where owner_id = ? order by created_at desc limit ?",
                String.class, owner, limit).stream().flatMap(id -> find(id, owner).stream()).toList();
    }

    /** The patient reference a DICOM patient ID gets for this clinician: an HMAC under their own key. */
    String reference(long owner, String dicomPatientId) {
        jdbc.update("insert into batch_reference_key (owner_id, secret) values (?, ?) on conflict (owner_id) do nothing",
                owner, randomBytes(32));
        byte[] key = jdbc.queryForObject("select secret from batch_reference_key where owner_id = ?", byte[].class, owner);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(dicomPatientId.strip().getBytes(StandardCharsets.UTF_8));
            return "DICOM-" + HexFormat.of().withUpperCase().formatHex(digest, 0, 5);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private long insertItem(long batchId, int position, String fileName, BatchItemStatus status, String reason,
                            byte[] content, Long patientId, LocalDate studyDate) {
        return jdbc.queryForObject("insert into batch_item (batch_id, position, file_name, status, reason, content,"
                        + " patient_id, study_date, finished_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id", Long.class,
                batchId, position, fileName, status.name(), reason, content, patientId,
                studyDate == null ? null : java.sql.Date.valueOf(studyDate),
                status.finished() ? Timestamp.from(clock.instant()) : null);
    }

    /** A DICOM study date the analysis accepts: not before X-rays existed, not in the future. */
    private boolean plausible(LocalDate date) {
        return !date.isBefore(AnalysisRequest.EARLIEST_STUDY_DATE) && !date.isAfter(LocalDate.now(clock));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String newPublicId() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(16));
    }
}
