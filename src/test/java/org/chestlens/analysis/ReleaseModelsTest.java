package org.chestlens.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.chestlens.SharedData;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.imaging.NotChestXrays;
import org.chestlens.imaging.TestImages;
import org.chestlens.references.ReferenceLibrary;
import org.chestlens.references.SimilarCase;
import org.chestlens.references.SimilarCases;
import org.chestlens.references.TestReferences;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The release models of models/ end to end into PostgreSQL: the application loads them at start-up and analyses a
 * real radiograph (a DICOM fixture of the repository), a photograph-like colour image and generated images that are
 * not chest X-rays; the default reference library is embedded by them whole.
 */
@SpringBootTest(properties = "chestlens.models-dir=models")
class ReleaseModelsTest {

    /** A normal paediatric radiograph as JPEG baseline DICOM (src/test/resources/dicom/make_fixture.py). */
    private static final Path DICOM = Path.of("src/test/resources/dicom/chest-jpeg-baseline.dcm");

    @Autowired
    AnalysisService service;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AccountService accountService;
    @Autowired
    ReferenceLibrary library;
    @Autowired
    SimilarCases similarCases;
    @Autowired
    ApplicationContext context;

    @Test
    void loadsTheReleaseAndAnalysesARealRadiographEndToEnd() throws Exception {
        assertThat(service.available()).isTrue();
        assertThat(service.model().orElseThrow().name()).isEqualTo("chestlens-default");
        FindingDescription viral = service.findingCatalogue().stream().filter(f -> f.code().equals("viral_pneumonia"))
                .findFirst().orElseThrow();
        assertThat(viral.valPopulation()).as("the AUC of a sub-type given pneumonia says where it was measured")
                .startsWith("val images with pneumonia");
        assertThat(viral.condition()).isEqualTo("Type of Pneumonia; probability if Pneumonia is present.");
        AnalysisResult result = service.analyse(AnalysisRequest.of(Files.readAllBytes(DICOM), "chest.dcm"));
        assertThat(result.completed()).as("a real radiograph passes the gate").isTrue();
        long id = jdbc.queryForObject("select id from analysis where public_id = ?", Long.class, result.publicId());
        assertThat(jdbc.queryForObject("select count(*) from analysis_finding where analysis_id = ?", Integer.class, id))
                .as("every finding of the manifest is stored").isEqualTo(service.findingCatalogue().size());
        if (result.completed()) {
            assertThat(result.findings()).extracting(Finding::code)
                    .containsExactlyInAnyOrderElementsOf(service.findingCatalogue().stream()
                            .filter(FindingDescription::reported).map(FindingDescription::code).toList());
            assertThat(service.heatmap(result.publicId(), Optional.empty(), result.findings().get(0).code())).isPresent();
            // The manifest's relations: pneumonia sub-types are explained and never positive without pneumonia.
            assertThat(result.finding("viral_pneumonia").orElseThrow().condition())
                    .isEqualTo("Type of Pneumonia; probability if Pneumonia is present.");
            boolean pneumonia = result.finding("pneumonia").orElseThrow().positive();
            assertThat(result.findings()).filteredOn(f -> f.code().endsWith("_pneumonia"))
                    .allSatisfy(f -> assertThat(!f.positive() || pneumonia).as(f.code()).isTrue());
        } else {
            assertThat(result.rejection()).isPresent();
        }
        assertThat(result.anomaly().percentile()).isBetween(0.0, 100.0);
        assertThat(service.anomalyMap(result.publicId(), Optional.empty())).isPresent();
        assertThat(service.image(result.publicId(), Optional.empty()).orElseThrow().mediaType()).isEqualTo("image/png");
    }

    /**
     * The release's sub-types give P(sub-type | Pneumonia). On a study without pneumonia that number says nothing
     * about the study: it is marked not applicable, listed after every finding that applies, and left out of the
     * probabilities that patient trends plot.
     */
    @Test
    void subTypeProbabilitiesGivenPneumoniaDoNotApplyWithoutPneumonia() throws Exception {
        Account owner = accountService.register("release-" + UUID.randomUUID() + "@example.org", "Dr Release",
                "a long enough passphrase 42");
        // The release's generated phantom passes the gate with Pneumonia positive (models/fixtures/fixtures.json);
        // the normal radiograph of the DICOM fixture has Pneumonia negative.
        List<Path> images = List.of(Path.of("models/fixtures/phantom_chest.png"), DICOM);
        for (Path image : images) {
            AnalysisResult result = service.analyse(AnalysisRequest.of(Files.readAllBytes(image), image.getFileName().toString())
                    .withOwner(owner.getId()));
            assertThat(result.completed()).as(image + " passes the gate").isTrue();
            boolean pneumonia = result.finding("pneumonia").orElseThrow().positive();
            List<Finding> subTypes = result.findings().stream().filter(f -> f.code().endsWith("_pneumonia")).toList();
            assertThat(subTypes).hasSize(2).allSatisfy(f -> assertThat(f.applicable()).as(f.code()).isEqualTo(pneumonia));
            assertThat(result.findings()).filteredOn(f -> !f.code().endsWith("_pneumonia")).allMatch(Finding::applicable);
            assertThat(result.findings().stream().map(Finding::applicable).toList()).as("findings that apply come first")
                    .isSortedAccordingTo((a, b) -> Boolean.compare(b, a));
            assertThat(subTypes).allSatisfy(f -> assertThat(f.probabilityText().equals("n/a")).isEqualTo(!pneumonia));
            AnalysisSummary summary = service.listForOwner(owner.getId(), PageRequest.of(0, 1)).getContent().get(0);
            assertThat(summary.publicId()).isEqualTo(result.publicId());
            subTypes.forEach(f -> assertThat(summary.probabilities().containsKey(f.code())).as(f.code()).isEqualTo(pneumonia));
        }
    }

    @Test
    void generatedImagesThatAreNotChestXraysAreRefused() {
        for (NotChestXrays.Sample sample : NotChestXrays.generated(11)) {
            for (boolean asJpeg : new boolean[] {false, true}) {
                byte[] bytes = asJpeg ? TestImages.jpeg(sample.image()) : TestImages.png(sample.image());
                AnalysisResult result = service.analyse(AnalysisRequest.of(bytes, sample.name() + (asJpeg ? ".jpg" : ".png")));
                assertThat(result.status()).as(sample.name() + (asJpeg ? " (JPEG)" : " (PNG)") + " must not be analysed")
                        .isEqualTo(AnalysisStatus.REJECTED);
                assertThat(result.findings()).isEmpty();
            }
        }
    }

    /** The data set's 31 photographs, paintings, documents, microscopy... (profile {@code dataset}). */
    @Test
    @Tag(SharedData.TAG)
    void everyImageOfTheOutOfDistributionFolderIsRefused() throws Exception {
        Path folder = SharedData.require("ood/images");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            AnalysisResult result;
            try {
                result = service.analyse(AnalysisRequest.of(Files.readAllBytes(file), file.getFileName().toString()));
            } catch (InvalidUploadException e) {
                continue; // refused before analysis (format, size): also not analysed
            }
            assertThat(result.status()).as(file + " must not be analysed").isEqualTo(AnalysisStatus.REJECTED);
            assertThat(result.findings()).isEmpty();
        }
    }

    /** The library shipped in the application, embedded by the release: every row has a finding these models know. */
    @Test
    void theDefaultReferenceLibraryIsEmbeddedWholeAndFoundForARadiograph() throws Exception {
        try {
            int rows = TestReferences.shippedIndex().rows().size();
            ReferenceLibrary.ImportReport report = library.importDefault();
            assertThat(report.imported()).isEqualTo(rows);
            assertThat(report.skipped()).isZero();
            AnalysisResult result = service.analyse(AnalysisRequest.of(Files.readAllBytes(DICOM), "chest.dcm"));
            List<SimilarCase> similar = similarCases.find(result.publicId(), Optional.empty(), 6);
            assertThat(similar).hasSize(6).allSatisfy(c -> {
                assertThat(c.source()).isEqualTo(SimilarCase.Source.REFERENCE);
                assertThat(c.license()).isPresent();
            });
            // The fixture is itself one of the shipped images: it finds itself first.
            assertThat(similar.get(0).similarity()).isGreaterThan(0.999);
            assertThat(similar.get(0).diagnosis()).isEqualTo("No Finding");
        } finally {
            TestReferences.remove(context, "");
        }
    }

    @Test
    void aColourPhotographIsRefusedWithTheManifestsReason() {
        AnalysisResult result = service.analyse(AnalysisRequest.of(TestImages.jpeg(TestImages.colourPattern(640, 480)), "photo.jpg"));
        assertThat(result.status()).isEqualTo(AnalysisStatus.REJECTED);
        assertThat(result.rejection().orElseThrow().rule()).isEqualTo("input.saturation");
        assertThat(result.findings()).isEmpty();
    }
}
