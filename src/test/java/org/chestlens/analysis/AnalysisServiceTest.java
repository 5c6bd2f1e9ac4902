package org.chestlens.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The whole pipeline, end to end: real ONNX Runtime sessions (the tiny test models), real PostgreSQL.
 */
@SpringBootTest(properties = TestModels.MODELS)
@Import(TestModels.class)
class AnalysisServiceTest {

    private static final byte[] PHANTOM = TestImages.png(TestImages.phantomChest(300, 260, 5));

    @Autowired
    AnalysisService service;
    @Autowired
    TestModels.Events events;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TestModels.MovableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void analysesAnAnonymousUploadAndStoresEverythingInPostgres() {
        assertThat(service.available()).isTrue();
        AnalysisResult result = service.analyse(AnalysisRequest.of(PHANTOM, "phantom.png"));

        assertThat(result.status()).isEqualTo(AnalysisStatus.COMPLETED);
        assertThat(result.publicId()).hasSize(22).matches("[A-Za-z0-9_-]+");
        assertThat(result.rejection()).isEmpty();
        // Only reported findings (the test manifest does not report cardiomegaly), most probable first.
        assertThat(result.findings()).extracting(Finding::code)
                .containsExactlyInAnyOrder("no_finding", "pneumonia", "covid_19", "effusion");
        assertThat(result.findings()).isSortedAccordingTo((a, b) -> Double.compare(b.probability(), a.probability()));
        assertThat(result.findings()).allSatisfy(f -> {
            assertThat(f.positive()).isEqualTo(f.probability() >= f.threshold());
            assertThat(f.memberProbabilities()).isNotEmpty();
        });
        assertThat(result.finding("pneumonia").orElseThrow().memberProbabilities()).containsOnlyKeys("alpha", "beta", "gamma");
        assertThat(result.expiresAt()).contains(result.createdAt().plus(Duration.ofDays(7)));
        assertThat(result.ownerId()).isEmpty();
        assertThat(result.image()).isEqualTo(new ImageInfo("PNG", 300, 260, PHANTOM.length));
        assertThat(result.model().name()).isEqualTo("chestlens-test");
        assertThat(result.timings().stageMillis()).containsKeys("decode", "preprocess", "member.alpha", "vae", "models",
                "thumbnail", "persist");

        long id = jdbc.queryForObject("select id from analysis where public_id = ?", Long.class, result.publicId());
        assertThat(jdbc.queryForObject("select count(*) from analysis_finding where analysis_id = ?", Integer.class, id))
                .isEqualTo(5);
        // The first heatmap is drawn in the background after the commit; asking for it waits for that drawing.
        assertThat(isPng(service.heatmap(result.publicId(), Optional.empty(), result.findings().get(0).code()).orElseThrow().bytes())).isTrue();
        assertThat(jdbc.queryForList("select kind || ':' || finding_code from analysis_image where analysis_id = ?",
                String.class, id)).containsExactlyInAnyOrder("IMAGE:", "THUMBNAIL:", "HEATMAP:" + result.findings().get(0).code());

        Optional<AnalysisResult> found = service.find(result.publicId(), Optional.empty());
        assertThat(found).isPresent();
        assertThat(found.get().findings()).isEqualTo(result.findings());
        assertThat(service.image(result.publicId(), Optional.empty()).orElseThrow().mediaType()).isEqualTo("image/png");
        assertThat(isPng(service.thumbnail(result.publicId(), Optional.empty()).orElseThrow().bytes())).isTrue();
    }

    @Test
    void heatmapsAreRenderedOnceOnDemandAndTheAnomalyMapToo() {
        AnalysisResult result = service.analyse(AnalysisRequest.of(PHANTOM, "phantom.png"));
        String other = result.findings().get(1).code();
        long id = jdbc.queryForObject("select id from analysis where public_id = ?", Long.class, result.publicId());
        service.heatmap(result.publicId(), Optional.empty(), result.findings().get(0).code()).orElseThrow();
        assertThat(countImages(id, "HEATMAP")).isEqualTo(1);

        ImageBytes heatmap = service.heatmap(result.publicId(), Optional.empty(), other).orElseThrow();
        assertThat(isPng(heatmap.bytes())).isTrue();
        assertThat(countImages(id, "HEATMAP")).isEqualTo(2);
        assertThat(service.heatmap(result.publicId(), Optional.empty(), other).orElseThrow().bytes()).isEqualTo(heatmap.bytes());
        assertThat(countImages(id, "HEATMAP")).isEqualTo(2);

        assertThat(service.heatmap(result.publicId(), Optional.empty(), "cardiomegaly")).as("unreported").isEmpty();
        assertThat(service.heatmap(result.publicId(), Optional.empty(), "no_such_code")).isEmpty();
        assertThat(isPng(service.anomalyMap(result.publicId(), Optional.empty()).orElseThrow().bytes())).isTrue();
        assertThat(countImages(id, "ANOMALY_MAP")).isEqualTo(1);
    }

    @Test
    void colourPhotographIsRejectedWithAReasonAndNoFindings() {
        AnalysisResult result = service.analyse(AnalysisRequest.of(TestImages.jpeg(TestImages.colourPattern(400, 300)), "photo.jpg"));
        assertThat(result.status()).isEqualTo(AnalysisStatus.REJECTED);
        assertThat(result.rejection()).hasValueSatisfying(r -> {
            assertThat(r.rule()).isEqualTo("input.saturation");
            assertThat(r.reason()).isEqualTo("This looks like a colour image, not a chest X-ray.");
            assertThat(r.suggestion()).isNotBlank();
        });
        assertThat(result.findings()).isEmpty();
        assertThat(result.heatmapFindings()).isEmpty();
        assertThat(service.heatmap(result.publicId(), Optional.empty(), "pneumonia")).isEmpty();
        assertThat(service.embedding(result.publicId(), Optional.empty())).as("nothing to compare").isEmpty();
        assertThat(service.find(result.publicId(), Optional.empty()).orElseThrow().status()).isEqualTo(AnalysisStatus.REJECTED);
    }

    @Test
    void blankImageIsRejected() {
        AnalysisResult result = service.analyse(AnalysisRequest.of(TestImages.png(TestImages.uniform(200, 200, 128)), "blank.png"));
        assertThat(result.status()).isEqualTo(AnalysisStatus.REJECTED);
        assertThat(result.rejection().orElseThrow().rule()).isEqualTo("input.greyStd");
    }

    @Test
    void refusedUploadsStoreNothing() {
        int before = count();
        int imagesBefore = jdbc.queryForObject("select count(*) from analysis_image where kind in ('IMAGE', 'THUMBNAIL')", Integer.class);
        assertThatThrownBy(() -> service.analyse(AnalysisRequest.of(new byte[0], "empty.png")))
                .isInstanceOfSatisfying(InvalidUploadException.class, e -> assertThat(e.problem()).isEqualTo(UploadProblem.EMPTY));
        assertThatThrownBy(() -> service.analyse(AnalysisRequest.of("hello".getBytes(StandardCharsets.UTF_8), "x.png")))
                .isInstanceOfSatisfying(InvalidUploadException.class, e -> {
                    assertThat(e.problem()).isEqualTo(UploadProblem.UNSUPPORTED_FORMAT);
                    assertThat(e.getMessage()).contains("PNG, JPEG or DICOM");
                });
        assertThatThrownBy(() -> service.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(40, 300, 1)), "thin.png")))
                .isInstanceOfSatisfying(InvalidUploadException.class, e -> assertThat(e.problem()).isEqualTo(UploadProblem.TOO_SMALL));
        byte[] truncated = java.util.Arrays.copyOf(PHANTOM, PHANTOM.length / 2);
        assertThatThrownBy(() -> service.analyse(AnalysisRequest.of(truncated, "cut.png")))
                .isInstanceOfSatisfying(InvalidUploadException.class, e -> assertThat(e.problem()).isEqualTo(UploadProblem.CORRUPT));
        // Intact chunks, garbage pixels: the upload is written while it is decoded, then the refusal rolls it back.
        assertThatThrownBy(() -> service.analyse(AnalysisRequest.of(TestImages.damagedPixelData(PHANTOM), "garbage.png")))
                .isInstanceOfSatisfying(InvalidUploadException.class, e -> assertThat(e.problem()).isEqualTo(UploadProblem.CORRUPT));
        assertThatThrownBy(() -> service.analyse(AnalysisRequest.of(PHANTOM, "x.png").withStudyDate(LocalDate.now().plusDays(5))))
                .isInstanceOfSatisfying(InvalidUploadException.class, e -> assertThat(e.problem()).isEqualTo(UploadProblem.INVALID_DETAILS));
        assertThatThrownBy(() -> service.analyse(AnalysisRequest.of(PHANTOM, "x.png").withPatient(5)))
                .isInstanceOfSatisfying(InvalidUploadException.class, e -> assertThat(e.problem()).isEqualTo(UploadProblem.INVALID_DETAILS));
        assertThat(count()).isEqualTo(before);
        assertThat(jdbc.queryForObject("select count(*) from analysis_image where kind in ('IMAGE', 'THUMBNAIL')", Integer.class)).isEqualTo(imagesBefore);
    }

    @Test
    void anAnalysisIsStoredWhollyOrNotAtAll() {
        // Make PostgreSQL refuse one write of an upload: the thumbnail (written while the models run) or a finding
        // (the last statement). Everything written before it, the upload included, must go too.
        Map<String, String> refusals = Map.of(
                "analysis_image", "new.kind = 'THUMBNAIL'",
                "analysis_finding", "exists (select 1 from analysis a where a.id = new.analysis_id and a.file_name = 'refused.png')");
        refusals.forEach((table, condition) -> {
            jdbc.execute("""
                    create or replace function refuse_rows() returns trigger language plpgsql as $$
                    begin
                      if %s then
                        raise exception 'refused for the test';
                      end if;
                      return new;
                    end $$""".formatted(condition));
            jdbc.execute("create trigger refuse_rows before insert on " + table + " for each row execute function refuse_rows()");
            try {
                int before = count();
                int imagesBefore = jdbc.queryForObject("select count(*) from analysis_image where kind in ('IMAGE', 'THUMBNAIL')", Integer.class);
                int usageBefore = jdbc.queryForObject("select count(*) from analysis_usage", Integer.class);
                assertThatThrownBy(() -> service.analyse(AnalysisRequest.of(PHANTOM, "refused.png"))).as(table).isNotNull();
                assertThat(count()).as(table).isEqualTo(before);
                assertThat(jdbc.queryForObject("select count(*) from analysis where file_name = 'refused.png'", Integer.class)).isZero();
                assertThat(jdbc.queryForObject("select count(*) from analysis_image where kind in ('IMAGE', 'THUMBNAIL')", Integer.class))
                        .as(table).isEqualTo(imagesBefore);
                assertThat(jdbc.queryForObject("select count(*) from analysis_usage", Integer.class)).as(table).isEqualTo(usageBefore);
            } finally {
                jdbc.execute("drop trigger refuse_rows on " + table);
                jdbc.execute("drop function refuse_rows()");
            }
        });
        assertThat(service.analyse(AnalysisRequest.of(PHANTOM, "after.png")).status()).isEqualTo(AnalysisStatus.COMPLETED);
    }

    @Test
    void anImageRowNeedsItsAnalysisByTheCommit() {
        // The reference from an image to its analysis is checked at commit (the upload is written first): an image
        // whose analysis never comes is refused all the same.
        assertThatThrownBy(() -> jdbc.update("insert into analysis_image (analysis_id, kind, finding_code, media_type, bytes) "
                + "values (-42, 'IMAGE', '', 'image/png', '\\x00'::bytea)"))
                .hasMessageContaining("analysis_image_analysis_id_fkey");
    }

    @Test
    void ownedAnalysesAreOnlyVisibleToTheirOwner() {
        long alice = account("alice");
        long bob = account("bob");
        AnalysisResult owned = service.analyse(AnalysisRequest.of(PHANTOM, "a.png").withOwner(alice)
                .withStudyDate(LocalDate.of(2025, 3, 1)).withNote("  follow-up  "));
        assertThat(owned.expiresAt()).isEmpty();
        assertThat(owned.note()).contains("follow-up");
        assertThat(service.find(owned.publicId(), Optional.of(alice))).isPresent();
        assertThat(service.find(owned.publicId(), Optional.of(bob))).isEmpty();
        assertThat(service.find(owned.publicId(), Optional.empty())).isEmpty();
        assertThat(service.image(owned.publicId(), Optional.of(bob))).isEmpty();
        assertThat(service.thumbnail(owned.publicId(), Optional.empty())).isEmpty();
        assertThat(service.heatmap(owned.publicId(), Optional.of(bob), owned.findings().get(0).code())).isEmpty();
        assertThat(service.anomalyMap(owned.publicId(), Optional.of(bob))).isEmpty();
        assertThat(service.delete(owned.publicId(), Optional.of(bob))).isFalse();
        assertThat(service.attachToPatient(owned.publicId(), bob, Optional.of(1L))).isFalse();
        assertThat(service.confirmFindings(owned.publicId(), bob, Set.of("pneumonia"))).isFalse();
        assertThat(service.find("unknown-id", Optional.of(alice))).isEmpty();
        assertThat(service.delete(owned.publicId(), Optional.of(alice))).isTrue();
        assertThat(service.find(owned.publicId(), Optional.of(alice))).isEmpty();
    }

    @Test
    void anonymousAnalysesExpireAndArePurged() {
        AnalysisResult anonymous = service.analyse(AnalysisRequest.of(PHANTOM, "anon.png"));
        long alice = account("alice-claims");
        AnalysisResult claimed = service.analyse(AnalysisRequest.of(PHANTOM, "claimed.png"));
        assertThat(service.claim(claimed.publicId(), alice)).isTrue();
        assertThat(service.claim(claimed.publicId(), account("too-late"))).isFalse();

        clock.advance(Duration.ofDays(7).plusMinutes(1));
        assertThat(service.find(anonymous.publicId(), Optional.empty())).as("expired, not yet purged").isEmpty();
        assertThat(service.image(anonymous.publicId(), Optional.empty())).isEmpty();
        assertThat(service.purgeExpired()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from analysis where public_id = ?", Integer.class, anonymous.publicId())).isZero();
        assertThat(service.find(claimed.publicId(), Optional.of(alice))).isPresent();
    }

    @Test
    void everyAnalysisLeavesAUsageRowThatOutlivesThePurgeAndTheAccount() {
        AnalysisResult anonymous = service.analyse(AnalysisRequest.of(PHANTOM, "usage-anonymous.png"));
        long owner = account("usage-owner");
        AnalysisResult owned = service.analyse(AnalysisRequest.of(PHANTOM, "usage-owned.png").withOwner(owner).viaApi());
        AnalysisResult rejected = service.analyse(AnalysisRequest.of(TestImages.jpeg(TestImages.colourPattern(400, 300)),
                "usage-photo.jpg"));
        long anonymousRow = usageRowOf(anonymous.publicId());
        long ownedRow = usageRowOf(owned.publicId());
        long rejectedRow = usageRowOf(rejected.publicId());

        Map<String, Object> row = jdbc.queryForMap("select * from analysis_usage where id = ?", anonymousRow);
        assertThat(row).containsEntry("registered", false).containsEntry("channel", "UI").containsEntry("status", "COMPLETED")
                .containsEntry("model_name", "chestlens-test").containsEntry("model_version", anonymous.model().version())
                .containsEntry("image_format", "PNG");
        assertThat(row.get("account_id")).isNull();
        assertThat(row.get("rejection_rule")).isNull();
        // Everything but the commit: more than the stored stages, less than the whole.
        assertThat((Double) row.get("total_ms")).isPositive().isLessThanOrEqualTo(anonymous.timings().totalMillis());
        String positives = (String) row.get("positive_findings");
        assertThat(positives.isEmpty() ? List.<String>of() : List.of(positives.split(",")))
                .containsExactlyInAnyOrderElementsOf(anonymous.findings().stream().filter(Finding::positive).map(Finding::code).toList());
        assertThat(jdbc.queryForMap("select * from analysis_usage where id = ?", ownedRow))
                .containsEntry("registered", true).containsEntry("account_id", owner).containsEntry("channel", "API");
        assertThat(jdbc.queryForMap("select * from analysis_usage where id = ?", rejectedRow))
                .containsEntry("status", "REJECTED").containsEntry("rejection_rule", "input.saturation")
                .containsEntry("rejection_reason", "This looks like a colour image, not a chest X-ray.")
                .containsEntry("image_format", "JPEG").containsEntry("positive_findings", null);

        clock.advance(Duration.ofDays(7).plusMinutes(1));
        assertThat(service.purgeExpired()).isGreaterThanOrEqualTo(2);
        jdbc.update("delete from account where id = ?", owner);
        assertThat(jdbc.queryForObject("select count(*) from analysis where public_id in (?, ?, ?)", Integer.class,
                anonymous.publicId(), owned.publicId(), rejected.publicId())).isZero();
        assertThat(jdbc.queryForList("select id from analysis_usage where id in (?, ?, ?)", Long.class,
                anonymousRow, ownedRow, rejectedRow)).containsExactlyInAnyOrder(anonymousRow, ownedRow, rejectedRow);
        assertThat(jdbc.queryForObject("select account_id from analysis_usage where id = ?", Long.class, ownedRow))
                .as("still counts as one distinct user").isEqualTo(owner);
    }

    @Test
    void anAnalysisThatIsNotStoredLeavesNoUsageRow() {
        int before = jdbc.queryForObject("select count(*) from analysis_usage", Integer.class);
        assertThatThrownBy(() -> service.analyse(AnalysisRequest.of(new byte[0], "empty.png")))
                .isInstanceOf(InvalidUploadException.class);
        assertThat(jdbc.queryForObject("select count(*) from analysis_usage", Integer.class)).isEqualTo(before);
    }

    @Test
    void historyPatientsAndDeletion() {
        long carol = account("carol");
        // analysis.patient_id references patient (V11, patients feature): a real patient row.
        long patient = jdbc.queryForObject("insert into patient (owner_id, reference) values (?, 'P-42') returning id",
                Long.class, carol);
        AnalysisResult first = service.analyse(AnalysisRequest.of(PHANTOM, "1.png").withOwner(carol).withPatient(patient)
                .withStudyDate(LocalDate.of(2024, 1, 1)));
        AnalysisResult second = service.analyse(AnalysisRequest.of(PHANTOM, "2.png").withOwner(carol).withPatient(patient)
                .withStudyDate(LocalDate.of(2025, 1, 1)));
        AnalysisResult loose = service.analyse(AnalysisRequest.of(PHANTOM, "3.png").withOwner(carol));

        assertThat(service.listForOwner(carol, PageRequest.of(0, 2))).extracting(AnalysisSummary::publicId)
                .containsExactly(loose.publicId(), second.publicId());
        assertThat(service.listForOwner(carol, PageRequest.of(0, 2)).getTotalElements()).isEqualTo(3);
        assertThat(service.listForPatient(carol, patient)).extracting(AnalysisSummary::publicId)
                .containsExactly(second.publicId(), first.publicId());
        AnalysisSummary summary = service.listForPatient(carol, patient).get(0);
        assertThat(summary.probabilities()).containsOnlyKeys("no_finding", "pneumonia", "covid_19", "effusion");
        assertThat(service.countForPatient(carol, patient)).isEqualTo(2);

        assertThat(service.attachToPatient(loose.publicId(), carol, Optional.of(patient))).isTrue();
        assertThat(service.countForPatient(carol, patient)).isEqualTo(3);
        assertThat(service.attachToPatient(loose.publicId(), carol, Optional.empty())).isTrue();
        assertThat(service.countForPatient(carol, patient)).isEqualTo(2);
        assertThat(service.deleteAllForPatient(carol, patient)).isEqualTo(2);
        assertThat(service.listForOwner(carol, PageRequest.of(0, 10))).extracting(AnalysisSummary::publicId)
                .containsExactly(loose.publicId());
    }

    @Test
    void similarCaseSearchGetsEmbeddingsOfCompletedVisibleAnalysesAndEventsOfChanges() {
        long dave = account("dave");
        AnalysisResult mine = service.analyse(AnalysisRequest.of(PHANTOM, "q.png").withOwner(dave));
        AnalysisEmbedding embedding = service.embedding(mine.publicId(), Optional.of(dave)).orElseThrow();
        assertThat(embedding.ownerId()).contains(dave);
        assertThat(embedding.embedding()).isNotEmpty();
        assertThat(embedding.confirmedFindings()).isEmpty();
        assertThat(service.embedding(mine.publicId(), Optional.empty())).as("someone else's").isEmpty();

        assertThat(service.confirmFindings(mine.publicId(), dave, Set.of("pneumonia"))).isTrue();
        assertThat(events.confirmed).contains(new FindingsConfirmed(mine.publicId(), dave));
        List<AnalysisEmbedding> all = new java.util.ArrayList<>();
        service.forEachConfirmedEmbedding(embedding.embeddingSpace(), all::add);
        assertThat(all).anySatisfy(e -> {
            assertThat(e.publicId()).isEqualTo(mine.publicId());
            assertThat(e.confirmedFindings()).containsExactly("pneumonia");
        });
        assertThat(service.confirmedEmbeddings(List.of(embedding.id(), -1L), embedding.embeddingSpace()))
                .singleElement().satisfies(e -> assertThat(e.publicId()).isEqualTo(mine.publicId()));
        assertThat(service.stillConfirmed(List.of(embedding.id(), -1L))).containsExactly(java.util.Map.entry(embedding.id(), mine.publicId()));
        assertThat(service.delete(mine.publicId(), Optional.of(dave))).isTrue();
        assertThat(events.deleted).contains(new AnalysesDeleted(List.of(mine.publicId())));
        assertThat(service.stillConfirmed(List.of(embedding.id()))).isEmpty();
    }

    private long account(String name) {
        return jdbc.queryForObject("insert into account (email, display_name, password_hash) values (?, ?, 'x') returning id",
                Long.class, name + System.nanoTime() + "@example.org", name);
    }

    /** The usage row written with the analysis: they share their timestamp (there is no other link, by design). */
    private long usageRowOf(String publicId) {
        return jdbc.queryForObject("""
                select u.id from analysis_usage u join analysis a on a.created_at = u.occurred_at
                 where a.public_id = ?""", Long.class, publicId);
    }

    private int count() {
        return jdbc.queryForObject("select count(*) from analysis", Integer.class);
    }

    private int countImages(long id, String kind) {
        return jdbc.queryForObject("select count(*) from analysis_image where analysis_id = ? and kind = ?", Integer.class, id, kind);
    }

    private static boolean isPng(byte[] bytes) {
        return bytes.length > 8 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
    }
}
