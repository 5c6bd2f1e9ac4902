package org.chestlens.references;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.imaging.TestImages;
import org.chestlens.inference.InferenceEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.domain.PageRequest;

/**
 * The reference library shipped inside the application: a fresh install (no reference case for the loaded models)
 * loads it, embedded by the loaded models (here the tiny test models, so the cases live in their embedding space),
 * every row with a licence that allows redistribution and whom to credit; an upload then finds labelled similar cases.
 */
@SpringBootTest
@AutoConfigureMockMvc
class DefaultLibraryTest {

    private static final Set<String> REDISTRIBUTABLE = Set.of("CC BY 4.0", "CC0 (NIH Clinical Center)");

    @Autowired
    ReferenceLibrary library;
    @Autowired
    SimilarCases similarCases;
    @Autowired
    AnalysisService analyses;
    @Autowired
    InferenceEngine engine;
    @Autowired
    ApplicationContext context;

    @AfterEach
    void removeTheDefaultLibrary() {
        TestReferences.remove(context, ReferenceLibrary.DEFAULT_PREFIX);
    }

    @Test
    void aFreshInstallLoadsTheShippedLibraryOnceAndUploadsFindLabelledSimilarCases() throws Exception {
        // A fresh install: no reference case at all (tests sharing this database remove theirs when done).
        TestReferences.remove(context, "");
        assertThat(library.size()).isZero();
        Csv index = TestReferences.shippedIndex();
        int rows = index.rows().size();
        assertThat(rows).as("a few hundred to a few thousand cases").isBetween(300, 3000);
        // The tiny test models know five findings; rows labelled only with others have nothing to compare by and
        // are skipped (with the release models every row counts: ReleaseModelsTest).
        Map<String, Integer> known = index.findingColumns(engine.manifest().orElseThrow());
        long labelled = index.rows().stream().filter(r -> known.values().stream().anyMatch(c -> "1".equals(Csv.value(r, c))))
                .count();
        assertThat(labelled).as("rows with a label of the test models").isGreaterThan(300);

        Optional<CompletableFuture<ReferenceLibrary.ImportReport>> started = library.startDefaultImportIfEmpty();
        assertThat(started).as("an empty library is filled").isPresent();
        ReferenceLibrary.ImportReport report = started.get().get(10, TimeUnit.MINUTES);
        assertThat(report.imported()).as("every shipped image with a label of the models").isEqualTo(labelled);
        assertThat(report.skipped()).isEqualTo(rows - labelled);
        assertThat(library.size()).isEqualTo(labelled);
        assertThat(library.startDefaultImportIfEmpty()).as("a library that holds cases is left alone").isEmpty();

        List<ReferenceLibrary.Listed> listed = library.cases(PageRequest.of(0, rows)).getContent();
        assertThat(listed).hasSize((int) labelled).allSatisfy(c -> {
            assertThat(c.sourcePath()).startsWith(ReferenceLibrary.DEFAULT_PREFIX + "images/");
            assertThat(c.license()).hasValueSatisfying(l -> assertThat(REDISTRIBUTABLE).contains(l));
            assertThat(c.source()).hasValueSatisfying(s -> assertThat(s).isIn("kermany", "nih128"));
            assertThat(c.labels()).isNotEmpty();
        });
        assertThat(library.countsByLabel()).extracting(ReferenceLibrary.LabelCount::code)
                .contains("no_finding", "pneumonia", "effusion", "cardiomegaly");

        AnalysisResult upload = analyses.analyse(AnalysisRequest.of(TestImages.png(TestImages.phantomChest(320, 300, 9)), "chest.png"));
        List<SimilarCase> similar = similarCases.find(upload.publicId(), Optional.empty(), 6);
        assertThat(similar).hasSize(6).allSatisfy(c -> {
            assertThat(c.source()).isEqualTo(SimilarCase.Source.REFERENCE);
            assertThat(c.diagnosis()).isNotBlank().isNotEqualTo("No label");
            assertThat(c.license()).isPresent();
            assertThat(c.attribution()).hasValueSatisfying(a -> assertThat(a).containsAnyOf("Kermany", "NIH"));
            assertThat(library.thumbnail(Long.parseLong(c.id()))).isPresent();
        });
    }

    @Test
    void theShippedIndexHoldsOnlyTrainingImagesOfRedistributableSourcesWithCredits() throws Exception {
        Csv index = TestReferences.shippedIndex();
        List<List<String>> rows = index.rows();
        for (List<String> row : rows) {
            String path = Csv.value(row, index.column("path"));
            assertThat(Csv.value(row, index.column("split"))).as(path).isEqualTo("train");
            assertThat(REDISTRIBUTABLE).as(path).contains(Csv.value(row, index.column("license")));
            assertThat(Csv.value(row, index.column("attribution"))).as(path).isNotBlank();
            assertThat(new ClassPathResource(ReferenceLibrary.DEFAULT_LOCATION + path).exists()).as(path).isTrue();
        }
        assertThat(new ClassPathResource(ReferenceLibrary.DEFAULT_LOCATION + "NOTICE.md").exists()).isTrue();
    }
}
