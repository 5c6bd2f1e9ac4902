package org.chestlens.analysis;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import io.micrometer.core.instrument.MeterRegistry;
import org.chestlens.imaging.DecodedImage;
import org.chestlens.imaging.EncodedImage;
import org.chestlens.imaging.GreyImage;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.InvalidImageException;
import org.chestlens.inference.InferenceEngine;
import org.chestlens.inference.ModelManifest;
import org.chestlens.inference.Prediction;
import org.chestlens.security.PlainText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one entry point of the analysis feature, for views and the REST API alike. See the package
 * documentation for the outcomes and the access rule ({@code requesterId}: the signed-in account, or empty).
 */
@Service
public class AnalysisService {

    private static final Logger log = LoggerFactory.getLogger(AnalysisService.class);

    public static final String UNAVAILABLE = "The analysis service is unavailable: no models are installed on this server.";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Stands in for a finding the model card gives no validation numbers for. */
    private static final ModelManifest.ValStats NO_VAL_STATS =
            new ModelManifest.ValStats(null, null, null, null, null, null, null, null);

    private final ImageDecoder decoder;
    private final InferenceEngine engine;
    private final AnalysisRepository analyses;
    private final AnalysisImageRepository images;
    private final AnalysisWriter writer;
    private final Renderer renderer;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transaction;
    private final TransactionTemplate reading;
    private final Clock clock;
    private final Duration anonymousRetention;
    private final int heatmapSide;
    /**
     * At most this many analyses run at once (default: one per core); the others wait their turn. More would
     * only share the same cores, hold more decoded images in memory and thrash caches.
     */
    private final Semaphore running;
    /** Decodes uploads, as many at once as analyses may run, while the caller's thread stores the upload. */
    private final ExecutorService decoders;
    private final AnalysisMetrics metrics;
    /** Heap for analyses in progress: reserved from the image header before decoding. */
    private final MemoryBudget memory;

    AnalysisService(ImageDecoder decoder, InferenceEngine engine, MemoryBudget memory, AnalysisRepository analyses,
                    AnalysisImageRepository images, AnalysisWriter writer, Renderer renderer,
                    ApplicationEventPublisher events,
                    PlatformTransactionManager transactions, Clock clock, MeterRegistry meters,
                    @Value("${chestlens.analysis.anonymous-retention:7d}") Duration anonymousRetention,
                    @Value("${chestlens.heatmap.max-side:512}") int heatmapSide,
                    @Value("${chestlens.analysis.max-concurrent:0}") int maxConcurrent) {
        this.decoder = decoder;
        this.engine = engine;
        this.memory = memory;
        this.analyses = analyses;
        this.images = images;
        this.writer = writer;
        this.renderer = renderer;
        this.events = events;
        this.transaction = new TransactionTemplate(transactions);
        this.reading = new TransactionTemplate(transactions);
        this.reading.setReadOnly(true);
        this.clock = clock;
        this.anonymousRetention = anonymousRetention;
        this.heatmapSide = heatmapSide;
        int concurrent = maxConcurrent > 0 ? maxConcurrent : Runtime.getRuntime().availableProcessors();
        this.running = new Semaphore(concurrent, true);
        AtomicInteger n = new AtomicInteger();
        this.decoders = Executors.newFixedThreadPool(concurrent, r -> {
            Thread t = new Thread(r, "decode-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.metrics = new AnalysisMetrics(meters, running, concurrent);
    }

    /** Whether uploads can be analysed now (models loaded). */
    public boolean available() {
        return engine.available();
    }

    /** When {@link #available()} is false: why, in a sentence for users. */
    public Optional<String> unavailableReason() {
        return engine.available() ? Optional.empty() : Optional.of(UNAVAILABLE);
    }

    /** The loaded model release, if any. */
    public Optional<ModelInfo> model() {
        return engine.manifest().map(m -> new ModelInfo(m.name(), m.version(), disclaimer(m)));
    }

    /** Every finding the models know, in model-card order, with thresholds and validation AUCs. */
    public List<FindingDescription> findingCatalogue() {
        Map<String, String> conditions = conditions();
        return engine.manifest().map(m -> m.findings().stream().map(f -> {
            ModelManifest.ValStats val = f.val() != null ? f.val() : NO_VAL_STATS;
            return new FindingDescription(f.code(), f.label(), f.threshold(), f.reported(), number(val.auc()),
                    number(val.aucLow()), number(val.aucHigh()), val.population(), conditions.get(f.code()),
                    val.sensitivity(), val.specificity(), ppv(val), prevalence(val),
                    f.calibration() == null ? null : f.calibration().ece());
        }).toList()).orElse(List.of());
    }

    /**
     * TP / (TP + FP) at the threshold on the validation population, from the manifest's counts and rates
     * (TP = sensitivity x positives, FP = (1 - specificity) x negatives); null without them or without a positive call.
     */
    static Double ppv(ModelManifest.ValStats val) {
        if (val.positives() == null || val.negatives() == null || val.sensitivity() == null || val.specificity() == null) {
            return null;
        }
        double truePositives = val.sensitivity() * val.positives();
        double falsePositives = (1 - val.specificity()) * val.negatives();
        return truePositives + falsePositives > 0 ? truePositives / (truePositives + falsePositives) : null;
    }

    private static Double prevalence(ModelManifest.ValStats val) {
        return val.positives() == null || val.negatives() == null || val.positives() + val.negatives() == 0 ? null
                : val.positives() / (double) (val.positives() + val.negatives());
    }

    /**
     * Analyses an upload and stores the result in one transaction.
     *
     * @throws InvalidUploadException        the upload is refused; nothing stored
     * @throws AnalysisUnavailableException  no models loaded
     */
    public AnalysisResult analyse(AnalysisRequest request) {
        try {
            AnalysisResult result = analyseAndStore(request);
            metrics.stored(result, request.channel());
            return result;
        } catch (InvalidUploadException e) {
            metrics.notStored("refused", request.channel());
            throw e;
        } catch (AnalysisUnavailableException e) {
            metrics.notStored("unavailable", request.channel());
            throw e;
        } catch (RuntimeException | Error e) {
            metrics.notStored("failed", request.channel());
            throw e;
        }
    }

    private AnalysisResult analyseAndStore(AnalysisRequest request) {
        long start = System.nanoTime();
        checkDetails(request);
        if (!engine.available()) {
            throw new AnalysisUnavailableException(UNAVAILABLE);
        }
        ModelManifest manifest = engine.manifest().orElseThrow();
        Map<String, Double> timings = new LinkedHashMap<>();
        ImageDecoder.Inspection inspection = refusedAsUpload(() -> decoder.inspect(request.bytes()));
        long queued = System.nanoTime();
        // Memory first (may answer "busy"), then a turn on the cores: both before any pixel is decoded.
        try (MemoryBudget.Reservation reserved = memory.reserve(inspection.workingBytes(), request.bytes().length)) {
            running.acquireUninterruptibly();
            try {
                timings.put("queue", millis(queued));
                return analyse(request, inspection, manifest, timings, start);
            } finally {
                running.release();
            }
        }
    }

    private AnalysisResult analyse(AnalysisRequest request, ImageDecoder.Inspection inspection, ModelManifest manifest,
                                   Map<String, Double> timings, long start) {
        byte[] bytes = request.bytes();

        // One transaction from here to the stored analysis, which overlaps the stages that would leave a core idle:
        // the upload (the largest write) goes to the database from this thread while another decodes it; the
        // thumbnail is made on the inference pool beside the preprocessing and stored from this thread while the
        // graphs run. A DICOM file's copy to keep is a rendering, so it is stored once decoded, during the graphs.
        record Stored(long id, DecodedImage decoded, Prediction prediction, Analysis analysis) {
        }
        long[] persistFrom = new long[1];
        Stored stored = transaction.execute(status -> {
            double[] decodeMillis = new double[1];
            CompletableFuture<DecodedImage> decoding = CompletableFuture.supplyAsync(() -> {
                long t = System.nanoTime();
                DecodedImage d = decoder.decode(bytes);
                decodeMillis[0] = millis(t);
                return d;
            }, decoders);
            long id = writer.reserveId();
            inspection.copyToKeep().ifPresent(copy -> timings.put("storeUpload", storeUpload(id, copy)));
            DecodedImage decoded = refusedAsUpload(() -> join(decoding));
            timings.put("decode", decodeMillis[0]);
            CompletableFuture<EncodedImage> thumbnail = new CompletableFuture<>();
            double[] thumbnailMillis = new double[1];
            Prediction prediction = engine.predict(decoded.grey(), decoded.saturation(), () -> {
                try {
                    long t = System.nanoTime();
                    thumbnail.complete(Renderings.thumbnail(decoded.grey()));
                    thumbnailMillis[0] = millis(t);
                } catch (Throwable e) { // the caller waits for it below
                    thumbnail.completeExceptionally(e);
                    throw e;
                }
            }, () -> {
                if (inspection.copyToKeep().isEmpty()) {
                    timings.put("storeUpload", storeUpload(id, decoded.clean()));
                }
                // Made on the pool as the graphs start; stored while they run.
                EncodedImage small = join(thumbnail);
                writer.insertImages(id, List.of(new AnalysisWriter.Image(AnalysisImage.Kind.THUMBNAIL, "",
                        small.mediaType(), small.bytes())));
            });
            prediction.stageNanos().forEach((stage, nanos) -> timings.put(stage, nanos / 1e6));
            timings.put("thumbnail", thumbnailMillis[0]);
            persistFrom[0] = System.nanoTime();
            Analysis analysis = newAnalysis(request, decoded, prediction, manifest, clock.instant(), timings);
            writer.insert(id, analysis, request.channel(), () -> millis(start));
            return new Stored(id, decoded, prediction, analysis);
        });
        timings.put("persist", millis(persistFrom[0])); // the rows written after the models, and the commit
        DecodedImage decoded = stored.decoded();
        Prediction prediction = stored.prediction();
        Analysis analysis = stored.analysis();
        // The heatmap users see first (the most probable positive finding, never the normal one) is drawn right
        // after the commit, in the background; the others on their first request.
        Set<String> normal = normalFindingCodes();
        Optional<Prediction.FindingScore> first = !prediction.gate().rejected()
                ? reportedByProbability(prediction.findings()).stream()
                        .filter(f -> f.positive() && !normal.contains(f.code())).findFirst()
                : Optional.empty();
        first.ifPresent(f -> {
            AnalysisImage.Key key = new AnalysisImage.Key(stored.id(), AnalysisImage.Kind.HEATMAP, f.code());
            ModelManifest.HeatmapScale scale = manifest.finding(f.code()).map(ModelManifest.FindingSpec::heatmapScale)
                    .orElseGet(() -> ModelManifest.HeatmapScale.fromThreshold(f.threshold()));
            renderer.renderInBackground(key, renderer.reserve(key), () -> Renderings.heatmap(
                    Renderings.displayBase(decoded.grey(), heatmapSide), prediction.cams().byFinding().get(f.code()),
                    prediction.cams().width(), prediction.cams().height(), scale));
        });
        double total = millis(start);
        log.debug("Analysis {} {} in {} ms: {}", analysis.getPublicId(), analysis.getStatus(), total, timings);
        return toResult(analysis, new Timings(total, timings));
    }

    private double storeUpload(long id, EncodedImage copy) {
        long t = System.nanoTime();
        writer.insertImages(id, List.of(new AnalysisWriter.Image(AnalysisImage.Kind.IMAGE, "", copy.mediaType(), copy.bytes())));
        return millis(t);
    }

    /** Runs a decoding step, turning its refusal into the upload's. */
    private static <T> T refusedAsUpload(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidImageException e) {
            throw new InvalidUploadException(UploadProblem.valueOf(e.problem().name()), e.getMessage());
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** The analysis, if it exists and the requester may see it. */
    public Optional<AnalysisResult> find(String publicId, Optional<Long> requesterId) {
        return reading.execute(s -> visible(publicId, requesterId)
                .map(a -> toResult(a, new Timings(storedTotal(a.getTimings()), a.getTimings()))));
    }

    /** The uploaded image without identifying metadata (PNG or JPEG). */
    public Optional<ImageBytes> image(String publicId, Optional<Long> requesterId) {
        return storedImage(publicId, requesterId, AnalysisImage.Kind.IMAGE);
    }

    /** A small PNG (longest side 256 px) for lists and timelines. */
    public Optional<ImageBytes> thumbnail(String publicId, Optional<Long> requesterId) {
        return storedImage(publicId, requesterId, AnalysisImage.Kind.THUMBNAIL);
    }

    /**
     * The X-ray with the finding's class activation map blended over it (PNG); rendered on first request and
     * stored. Empty for an unknown or unreported finding and for rejected analyses.
     */
    public Optional<ImageBytes> heatmap(String publicId, Optional<Long> requesterId, String findingCode) {
        Optional<AnalysisRepository.Access> access = access(publicId, requesterId);
        if (access.isEmpty() || access.get().getStatus() != AnalysisStatus.COMPLETED) {
            return Optional.empty();
        }
        AnalysisImage.Key key = new AnalysisImage.Key(access.get().getId(), AnalysisImage.Kind.HEATMAP, findingCode);
        Optional<EncodedImage> drawing = renderer.awaitInFlight(key);
        if (drawing.isPresent()) {
            return drawing.map(e -> new ImageBytes(e.bytes(), e.mediaType()));
        }
        Optional<AnalysisImage> stored = images.findById(key);
        if (stored.isPresent()) {
            return stored.map(AnalysisImage::toImageBytes);
        }
        record Source(Analysis analysis, AnalysisFinding finding) {
        }
        Optional<Source> source = reading.execute(s -> analyses.findById(access.get().getId())
                .flatMap(a -> a.getFindings().stream().filter(f -> f.reported() && f.code().equals(findingCode))
                        .findFirst().map(f -> new Source(a, f))));
        if (source == null || source.isEmpty()) {
            return Optional.empty();
        }
        Analysis analysis = source.get().analysis();
        ModelManifest.HeatmapScale scale = heatmapScale(analysis, source.get().finding());
        return Optional.of(renderAndKeep(key, () -> Renderings.heatmap(displayBase(analysis),
                Converters.floats(source.get().finding().cam()), analysis.getCamWidth(), analysis.getCamHeight(), scale)));
    }

    /**
     * The fixed colour scale of a finding's heatmap: the loaded manifest's when that model made the analysis;
     * otherwise (an analysis of an earlier release) the fallback from the threshold stored with the finding.
     */
    private ModelManifest.HeatmapScale heatmapScale(Analysis analysis, AnalysisFinding finding) {
        return engine.manifest()
                .filter(m -> m.name().equals(analysis.getModelName()) && m.version().equals(analysis.getModelVersion()))
                .flatMap(m -> m.finding(finding.code()))
                .map(ModelManifest.FindingSpec::heatmapScale)
                .orElseGet(() -> ModelManifest.HeatmapScale.fromThreshold(finding.threshold()));
    }

    /** Where the anomaly model could not reconstruct the image (smoothed |x - x̂|, coloured, over the X-ray; PNG). */
    public Optional<ImageBytes> anomalyMap(String publicId, Optional<Long> requesterId) {
        Optional<AnalysisRepository.Access> access = access(publicId, requesterId);
        if (access.isEmpty()) {
            return Optional.empty();
        }
        AnalysisImage.Key key = AnalysisImage.Key.of(access.get().getId(), AnalysisImage.Kind.ANOMALY_MAP);
        Optional<AnalysisImage> stored = images.findById(key);
        if (stored.isPresent()) {
            return stored.map(AnalysisImage::toImageBytes);
        }
        Analysis analysis = analyses.findById(access.get().getId()).orElse(null);
        if (analysis == null) {
            return Optional.empty();
        }
        return Optional.of(renderAndKeep(key, () -> Renderings.anomalyMap(displayBase(analysis), analysis.getAnomalyMap(),
                analysis.getAnomalyMapWidth(), analysis.getAnomalyMapHeight())));
    }

    /**
     * The image embedding of a completed analysis the requester may see (for similar-case search), with its
     * owner and confirmed findings. Empty for rejected analyses and ones the requester may not open.
     */
    public Optional<AnalysisEmbedding> embedding(String publicId, Optional<Long> requesterId) {
        Optional<Analysis> found = reading.execute(s -> visible(publicId, requesterId));
        return found == null ? Optional.empty() : found.filter(a -> a.getStatus() == AnalysisStatus.COMPLETED)
                .map(a -> new AnalysisEmbedding(a.getId(), a.getPublicId(), Optional.ofNullable(a.getOwnerId()), a.getEmbeddingSpace(),
                        Converters.floats(a.getEmbedding()), Set.copyOf(a.getConfirmedFindings())));
    }

    /**
     * Hands every analysis with confirmed findings in this embedding space to {@code each}, streamed from PostgreSQL
     * (similar-case search loads them; joins the caller's transaction, e.g. to read them in its snapshot).
     */
    public void forEachConfirmedEmbedding(String embeddingSpace, java.util.function.Consumer<AnalysisEmbedding> each) {
        Converters.CodeSet codes = new Converters.CodeSet();
        reading.executeWithoutResult(s -> {
            try (java.util.stream.Stream<AnalysisRepository.Confirmed> rows = analyses.streamConfirmed(embeddingSpace)) {
                rows.forEach(a -> each.accept(confirmedEmbedding(a, embeddingSpace, codes)));
            }
        });
    }

    /** Those of these analyses (internal ids) that have confirmed findings in this embedding space. */
    public List<AnalysisEmbedding> confirmedEmbeddings(Collection<Long> ids, String embeddingSpace) {
        Converters.CodeSet codes = new Converters.CodeSet();
        return ids.isEmpty() ? List.of() : analyses.findConfirmed(ids, embeddingSpace).stream()
                .map(a -> confirmedEmbedding(a, embeddingSpace, codes)).toList();
    }

    private static AnalysisEmbedding confirmedEmbedding(AnalysisRepository.Confirmed a, String space, Converters.CodeSet codes) {
        return new AnalysisEmbedding(a.getId(), a.getPublicId(), Optional.ofNullable(a.getOwnerId()), space,
                Converters.floats(a.getEmbedding()), codes.convertToEntityAttribute(a.getConfirmedFindings()));
    }

    /** The public ids of those of these analyses (internal ids) that still exist with confirmed findings. */
    public Map<Long, String> stillConfirmed(Collection<Long> ids) {
        return ids.isEmpty() ? Map.of() : analyses.findConfirmedPublicIds(ids).stream()
                .collect(Collectors.toMap(AnalysisRepository.PublicId::getId, AnalysisRepository.PublicId::getPublicId));
    }

    /** The owner's analyses, newest first. */
    public Page<AnalysisSummary> listForOwner(long ownerId, Pageable pageable) {
        return reading.execute(s -> analyses.findByOwnerIdOrderByCreatedAtDesc(ownerId, pageable).map(this::toSummary));
    }

    /** The owner's analyses of one patient, by study date (then analysis time), newest first. */
    public List<AnalysisSummary> listForPatient(long ownerId, long patientId) {
        return reading.execute(s -> analyses.findByOwnerIdAndPatientId(ownerId, patientId).stream()
                .sorted(Comparator.comparing((Analysis a) -> a.getStudyDate() != null ? a.getStudyDate()
                                : LocalDate.ofInstant(a.getCreatedAt(), clock.getZone()))
                        .thenComparing(Analysis::getCreatedAt).reversed())
                .map(this::toSummary).toList());
    }

    /** How many analyses the owner has for the patient. */
    public long countForPatient(long ownerId, long patientId) {
        return analyses.countByOwnerIdAndPatientId(ownerId, patientId);
    }

    /** Deletes the analysis with its images. Owned: only the owner; anonymous: whoever holds the link. */
    public boolean delete(String publicId, Optional<Long> requesterId) {
        Optional<AnalysisRepository.Access> access = access(publicId, requesterId);
        if (access.isEmpty()) {
            return false;
        }
        transaction.executeWithoutResult(s -> analyses.deleteNow(access.get().getId()));
        events.publishEvent(new AnalysesDeleted(List.of(publicId)));
        return true;
    }

    /** Deletes all of the owner's analyses of a patient; returns how many. */
    public int deleteAllForPatient(long ownerId, long patientId) {
        List<String> ids = analyses.findByOwnerIdAndPatientId(ownerId, patientId).stream()
                .map(Analysis::getPublicId).toList();
        Integer deleted = transaction.execute(s -> analyses.deleteByOwnerAndPatient(ownerId, patientId));
        events.publishEvent(new AnalysesDeleted(ids));
        return deleted == null ? 0 : deleted;
    }

    /**
     * Attaches the owner's analysis to one of their patients (the caller has checked the patient is theirs),
     * or detaches it with an empty {@code patientId}.
     */
    public boolean attachToPatient(String publicId, long ownerId, Optional<Long> patientId) {
        return Boolean.TRUE.equals(transaction.execute(s -> analyses.findByPublicId(publicId)
                .filter(a -> Long.valueOf(ownerId).equals(a.getOwnerId()))
                .map(a -> {
                    a.setPatientId(patientId.orElse(null));
                    return true;
                }).orElse(false)));
    }

    /**
     * Sets (or with an empty date clears) when the owner's X-ray was taken, e.g. when an analysis made earlier
     * is filed under a patient. Added for the patients feature.
     *
     * @throws InvalidUploadException for a date in the future
     */
    public boolean setStudyDate(String publicId, long ownerId, Optional<LocalDate> studyDate) {
        studyDate.ifPresent(this::checkStudyDate);
        return Boolean.TRUE.equals(transaction.execute(s -> analyses.findByPublicId(publicId)
                .filter(a -> Long.valueOf(ownerId).equals(a.getOwnerId()))
                .map(a -> {
                    a.setStudyDate(studyDate.orElse(null));
                    return true;
                }).orElse(false)));
    }

    /** Makes an anonymous analysis the signed-in account's own (it then no longer expires). */
    public boolean claim(String publicId, long ownerId) {
        Instant now = clock.instant();
        return Boolean.TRUE.equals(transaction.execute(s -> analyses.findByPublicId(publicId)
                .filter(a -> a.getOwnerId() == null && a.visibleTo(Optional.empty(), now))
                .map(a -> {
                    a.setOwnerId(ownerId);
                    a.setExpiresAt(null);
                    return true;
                }).orElse(false)));
    }

    /**
     * Feedback hook: the owner confirms which findings are really present ({@code no_finding} for a normal
     * study; an empty set withdraws the confirmation). Confirmed analyses join the owner's similar-case search.
     *
     * @throws IllegalArgumentException for a code the models do not know
     */
    public boolean confirmFindings(String publicId, long ownerId, Set<String> findingCodes) {
        Set<String> known = engine.manifest().map(m -> m.findings().stream().map(ModelManifest.FindingSpec::code)
                .collect(Collectors.toSet())).orElse(Set.of());
        for (String code : findingCodes) {
            if (!known.contains(code)) {
                throw new IllegalArgumentException("Unknown finding code: " + code);
            }
        }
        Optional<Analysis> changed = transaction.execute(s -> analyses.findByPublicId(publicId)
                .filter(a -> Long.valueOf(ownerId).equals(a.getOwnerId()))
                .map(a -> {
                    a.setConfirmedFindings(findingCodes);
                    return a;
                }));
        if (changed == null || changed.isEmpty()) {
            return false;
        }
        events.publishEvent(new FindingsConfirmed(publicId, ownerId));
        return true;
    }

    /** Deletes anonymous analyses whose retention has passed; returns how many. */
    int purgeExpired() {
        Integer n = transaction.execute(s -> analyses.deleteExpired(clock.instant()));
        return n == null ? 0 : n;
    }

    private void checkDetails(AnalysisRequest request) {
        if (!request.note().map(PlainText::isMultiLine).orElse(true)) {
            throw new InvalidUploadException(UploadProblem.INVALID_DETAILS, "note", CONTROL_CHARACTERS_IN_NOTE);
        }
        if (request.note().map(String::length).orElse(0) > AnalysisRequest.MAX_NOTE_LENGTH) {
            throw new InvalidUploadException(UploadProblem.INVALID_DETAILS, "note",
                    "The note is longer than " + AnalysisRequest.MAX_NOTE_LENGTH + " characters.");
        }
        request.studyDate().ifPresent(this::checkStudyDate);
        if (request.patientId().isPresent() && request.ownerId().isEmpty()) {
            throw new InvalidUploadException(UploadProblem.INVALID_DETAILS, "patientId",
                    "Only a signed-in clinician can file an analysis under a patient.");
        }
    }

    static final String CONTROL_CHARACTERS_IN_NOTE = "The note contains a control character (such as NUL) that cannot "
            + "be stored. Remove it and try again.";

    private void checkStudyDate(LocalDate date) {
        if (date.isBefore(AnalysisRequest.EARLIEST_STUDY_DATE)) {
            throw new InvalidUploadException(UploadProblem.INVALID_DETAILS, "studyDate",
                    "The study date is before X-rays were discovered (8 November 1895). Enter the date the X-ray was taken.");
        }
        // A day of slack: the uploader's calendar may be ahead of the server's.
        if (date.isAfter(LocalDate.now(clock).plusDays(1))) {
            throw new InvalidUploadException(UploadProblem.INVALID_DETAILS, "studyDate", "The study date is in the future.");
        }
    }

    private Analysis newAnalysis(AnalysisRequest request, DecodedImage decoded, Prediction prediction,
                                 ModelManifest manifest, Instant now, Map<String, Double> timings) {
        String fileName = request.fileName().length() > 255 ? request.fileName().substring(0, 255) : request.fileName();
        Analysis a = new Analysis(newPublicId(), fileName, now);
        Prediction.GateDecision gate = prediction.gate();
        a.decide(gate.rejected() ? AnalysisStatus.REJECTED : AnalysisStatus.COMPLETED, gate.rule(), gate.reason(),
                gate.suggestion());
        a.owner(request.ownerId().orElse(null), request.patientId().orElse(null), request.studyDate().orElse(null),
                request.note().orElse(null), request.ownerId().isPresent() ? null : now.plus(anonymousRetention));
        a.model(manifest.name(), manifest.version(), engine.embeddingSpace());
        a.image(decoded.format().name(), decoded.width(), decoded.height(), request.bytes().length, decoded.bitDepth());
        Prediction.AnomalyResult an = prediction.anomaly();
        ModelManifest.InputSpec vaeInput = manifest.anomaly().input();
        a.anomaly(an.mse(), an.kl(), an.negElbo(), an.msePercentile(), an.klPercentile(), an.negElboPercentile(),
                Renderings.quantiseError(an.errorMap(), vaeInput.high() - vaeInput.low()), an.width(), an.height());
        a.maps(Converters.floats(prediction.embedding()), prediction.cams().width(), prediction.cams().height(),
                finite(prediction.features()), timings);
        int position = 0;
        for (Prediction.FindingScore f : prediction.findings()) {
            if (Double.isNaN(f.probability())) {
                continue; // no member scores it: nothing to store or show
            }
            a.getFindings().add(new AnalysisFinding(f.code(), position++, f.label(), f.probability(), f.threshold(),
                    f.positive(), f.reported(), f.memberProbabilities(),
                    Converters.floats(prediction.cams().byFinding().get(f.code()))));
        }
        return a;
    }

    private AnalysisResult toResult(Analysis a, Timings timings) {
        boolean completed = a.getStatus() == AnalysisStatus.COMPLETED;
        Map<String, String> conditions = conditions();
        Set<String> normal = normalFindingCodes();
        Predicate<AnalysisFinding> applicable = applicable(a);
        Map<String, ValidationAccuracy> accuracy = validationAccuracy();
        List<Finding> findings = completed ? reportedFindings(a, applicable).stream()
                .map(f -> f.toFinding(conditions.get(f.code()), normal.contains(f.code()), applicable.test(f),
                        accuracy.get(f.code()))).toList()
                : List.of();
        Optional<Rejection> rejection = completed ? Optional.empty()
                : Optional.of(new Rejection(a.getRejectionReason(), a.getRejectionSuggestion(), a.getRejectionRule()));
        AnomalyScore anomaly = new AnomalyScore(a.getAnomalyMse(), a.getAnomalyKl(), a.getAnomalyNegElbo(),
                a.getAnomalyMsePercentile(), a.getAnomalyKlPercentile(), a.getAnomalyNegElboPercentile());
        String disclaimer = engine.manifest().map(AnalysisService::disclaimer).orElse(DEFAULT_DISCLAIMER);
        return new AnalysisResult(a.getPublicId(), a.getStatus(), rejection, findings, anomaly,
                findings.stream().map(Finding::code).toList(),
                new ImageInfo(a.getImageFormat(), a.getImageWidth(), a.getImageHeight(), a.getImageSizeBytes()),
                new ModelInfo(a.getModelName(), a.getModelVersion(), disclaimer), a.getFileName(),
                Optional.ofNullable(a.getOwnerId()), Optional.ofNullable(a.getPatientId()),
                Optional.ofNullable(a.getStudyDate()), Optional.ofNullable(a.getNote()),
                Set.copyOf(a.getConfirmedFindings()), a.getCreatedAt(), Optional.ofNullable(a.getExpiresAt()), timings);
    }

    private AnalysisSummary toSummary(Analysis a) {
        boolean completed = a.getStatus() == AnalysisStatus.COMPLETED;
        Predicate<AnalysisFinding> applicable = applicable(a);
        List<AnalysisFinding> reported = completed ? reportedFindings(a, applicable) : List.of();
        Map<String, Double> probabilities = new LinkedHashMap<>();
        // A trend shows a gap where a probability does not apply (a sub-type given its parent, parent negative).
        reported.stream().filter(applicable).forEach(f -> probabilities.put(f.code(), f.probability()));
        return new AnalysisSummary(a.getPublicId(), a.getStatus(), a.getCreatedAt(), Optional.ofNullable(a.getStudyDate()),
                Optional.ofNullable(a.getPatientId()), a.getFileName(),
                reported.stream().filter(AnalysisFinding::positive).map(AnalysisFinding::code).toList(),
                probabilities, a.getAnomalyNegElboPercentile());
    }

    /** Reported findings, most probable first, ties in manifest order; findings that do not apply last. */
    private static List<AnalysisFinding> reportedFindings(Analysis a, Predicate<AnalysisFinding> applicable) {
        return a.getFindings().stream().filter(AnalysisFinding::reported)
                .sorted(Comparator.comparing((AnalysisFinding f) -> !applicable.test(f))
                        .thenComparing(Comparator.comparingDouble(AnalysisFinding::probability).reversed())
                        .thenComparingInt(AnalysisFinding::position))
                .toList();
    }

    /**
     * Whether a finding's probability says something about this study: not for a conditional sub-type (the loaded
     * manifest's {@code conditional}: its probability assumes the parent) while the parent is negative.
     */
    private Predicate<AnalysisFinding> applicable(Analysis a) {
        Map<String, String> parents = conditionalParents();
        if (parents.isEmpty()) {
            return f -> true;
        }
        Set<String> positive = a.getFindings().stream().filter(AnalysisFinding::positive).map(AnalysisFinding::code)
                .collect(Collectors.toSet());
        return f -> applies(f.code(), parents, positive);
    }

    /** A finding applies unless it is a conditional sub-type whose parent is not positive. */
    private static boolean applies(String code, Map<String, String> conditionalParents, Set<String> positiveCodes) {
        String parent = conditionalParents.get(code);
        return parent == null || positiveCodes.contains(parent);
    }

    /** Conditional sub-type code to its parent's code, from the loaded manifest. */
    private Map<String, String> conditionalParents() {
        return engine.manifest().map(m -> m.findings().stream().filter(ModelManifest.FindingSpec::isConditional)
                        .collect(Collectors.toMap(ModelManifest.FindingSpec::code, ModelManifest.FindingSpec::subtypeOf)))
                .orElse(Map.of());
    }

    /** Reported findings that apply (see {@link #applicable}), most probable first, ties in manifest order. */
    private List<Prediction.FindingScore> reportedByProbability(List<Prediction.FindingScore> findings) {
        Map<String, String> parents = conditionalParents();
        Set<String> positive = findings.stream().filter(Prediction.FindingScore::positive)
                .map(Prediction.FindingScore::code).collect(Collectors.toSet());
        List<Prediction.FindingScore> reported = new ArrayList<>(findings.stream()
                .filter(f -> f.reported() && !Double.isNaN(f.probability()))
                .filter(f -> applies(f.code(), parents, positive)).toList());
        // Stable sort: ties keep manifest order.
        reported.sort(Comparator.comparingDouble(Prediction.FindingScore::probability).reversed());
        return reported;
    }

    private Optional<Analysis> visible(String publicId, Optional<Long> requesterId) {
        Instant now = clock.instant();
        return analyses.findByPublicId(publicId).filter(a -> a.visibleTo(requesterId, now));
    }

    private Optional<AnalysisRepository.Access> access(String publicId, Optional<Long> requesterId) {
        Instant now = clock.instant();
        return analyses.findAccess(publicId).filter(a -> a.getOwnerId() != null
                ? requesterId.map(a.getOwnerId()::equals).orElse(false)
                : a.getExpiresAt() == null || a.getExpiresAt().isAfter(now));
    }

    private Optional<ImageBytes> storedImage(String publicId, Optional<Long> requesterId, AnalysisImage.Kind kind) {
        return access(publicId, requesterId)
                .flatMap(a -> images.findById(AnalysisImage.Key.of(a.getId(), kind)))
                .map(AnalysisImage::toImageBytes);
    }

    /** The stored image, decoded again and shrunk for display: the base of on-demand renderings. */
    private GreyImage displayBase(Analysis analysis) {
        ImageBytes stored = images.findById(AnalysisImage.Key.of(analysis.getId(), AnalysisImage.Kind.IMAGE))
                .map(AnalysisImage::toImageBytes)
                .orElseThrow(() -> new IllegalStateException("analysis " + analysis.getPublicId() + " has no image"));
        return Renderings.displayBase(decoder.decode(stored.bytes()).grey(), heatmapSide);
    }

    private ImageBytes renderAndKeep(AnalysisImage.Key key, java.util.function.Supplier<EncodedImage> render) {
        EncodedImage rendered = renderer.renderNow(key, render);
        return new ImageBytes(rendered.bytes(), rendered.mediaType());
    }

    /** The findings the models mark as "normal study" (positive is good news; shown in a calm colour). */
    public Set<String> normalFindingCodes() {
        return engine.manifest().map(m -> m.findings().stream().filter(ModelManifest.FindingSpec::isNormal)
                .map(ModelManifest.FindingSpec::code).collect(Collectors.toSet())).orElse(Set.of());
    }

    /** The loaded model card's validation accuracy per finding code (findings without the numbers left out). */
    private Map<String, ValidationAccuracy> validationAccuracy() {
        Map<String, ValidationAccuracy> out = new HashMap<>();
        engine.manifest().ifPresent(m -> m.findings().forEach(f -> ValidationAccuracy.of(f.val())
                .ifPresent(a -> out.put(f.code(), a))));
        return out;
    }

    /** The manifest's relations between findings, as sentences for the findings table. */
    private Map<String, String> conditions() {
        Map<String, String> labels = labels();
        Map<String, String> out = new HashMap<>();
        engine.manifest().ifPresent(m -> m.findings().forEach(f -> {
            if (f.subtypeOf() != null) {
                String parent = labels.getOrDefault(f.subtypeOf(), f.subtypeOf());
                out.put(f.code(), f.isConditional() ? "Type of " + parent + "; probability if " + parent + " is present."
                        : "Counts only with " + parent + ".");
            } else if (f.isNormal()) {
                out.put(f.code(), "Counts only if no other finding is positive.");
            }
        }));
        return out;
    }

    private Map<String, String> labels() {
        return engine.manifest().map(m -> m.findings().stream()
                .collect(Collectors.toMap(ModelManifest.FindingSpec::code, ModelManifest.FindingSpec::label)))
                .orElse(Map.of());
    }

    static final String DEFAULT_DISCLAIMER = "Decision support for education and research, not a medical diagnosis.";

    private static String disclaimer(ModelManifest m) {
        return m.disclaimer() == null || m.disclaimer().isBlank() ? DEFAULT_DISCLAIMER : m.disclaimer();
    }

    private static Map<String, Double> finite(Map<String, Double> values) {
        Map<String, Double> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v == null || !Double.isFinite(v) ? null : v));
        return out;
    }

    /** Stored timings lack the final commit; graph stages and the thumbnail overlap "models", so they are not added. */
    private static double storedTotal(Map<String, Double> stages) {
        return List.of("decode", "preprocess", "models", "combine").stream()
                .mapToDouble(k -> stages.getOrDefault(k, 0.0) == null ? 0.0 : stages.getOrDefault(k, 0.0)).sum();
    }

    private static double number(Double d) {
        return d == null ? Double.NaN : d;
    }

    static String newPublicId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static double millis(long since) {
        return (System.nanoTime() - since) / 1e6;
    }
}
