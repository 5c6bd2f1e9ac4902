package org.chestlens.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The release models of models/ end to end into PostgreSQL: the application
 * loads them at start-up and analyses a real radiograph (the SIIM DICOM sample, when on this machine) and a
 * photograph-like colour image.
 */
@SpringBootTest(properties = "chestlens.models-dir=models")
class ReleaseModelsTest {

    private static final Path SIIM = Path.of("../shared/data/dicom/siim-sample-monochrome2.dcm");

    @Autowired
    AnalysisService service;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    AccountService accountService;

    @Test
    void loadsTheReleaseAndAnalysesARealRadiographEndToEnd() throws Exception {
        assertThat(service.available()).isTrue();
        assertThat(service.model().orElseThrow().name()).isEqualTo("chestlens-default");
        FindingDescription viral = service.findingCatalogue().stream().filter(f -> f.code().equals("viral_pneumonia"))
                .findFirst().orElseThrow();
        assertThat(viral.valPopulation()).as("the AUC of a sub-type given pneumonia says where it was measured")
                .startsWith("val images with pneumonia");
        assertThat(viral.condition()).isEqualTo("Type of Pneumonia; probability if Pneumonia is present.");
        byte[] upload = Files.isRegularFile(SIIM) ? Files.readAllBytes(SIIM) : TestImages.png(TestImages.phantomChest(1024, 1024, 3));
        AnalysisResult result = service.analyse(AnalysisRequest.of(upload, "chest.dcm"));
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
        // the SIIM adult radiograph, where present, has Pneumonia negative.
        List<Path> images = Stream.of(Path.of("models/fixtures/phantom_chest.png"), SIIM).filter(Files::isRegularFile).toList();
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
    void everyImageOfTheOutOfDistributionFolderIsRefused() throws Exception {
        Path folder = Path.of("../shared/data/ood/images");
        assumeTrue(Files.isDirectory(folder), "../shared/data/ood is absent on this machine");
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

    @Test
    void aColourPhotographIsRefusedWithTheManifestsReason() {
        AnalysisResult result = service.analyse(AnalysisRequest.of(TestImages.jpeg(TestImages.colourPattern(640, 480)), "photo.jpg"));
        assertThat(result.status()).isEqualTo(AnalysisStatus.REJECTED);
        assertThat(result.rejection().orElseThrow().rule()).isEqualTo("input.saturation");
        assertThat(result.findings()).isEmpty();
    }
}
