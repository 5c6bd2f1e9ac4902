package org.chestlens.analysis;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static com.github.mvysny.kaributesting.v10.LocatorJ._setValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.UploadKt;
import com.vaadin.flow.component.UI;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.chestlens.KaribuTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The result page's first heatmap with positive findings: the most probable positive finding, not a more probable
 * "No Finding". The tiny test models give the phantom about 49% No Finding, 45% Effusion and 44% Pneumonia; this
 * context lowers the Pneumonia and Effusion thresholds of a copy of their manifest to 40%, so both are positive
 * while No Finding stays the most probable (and, by the manifest's rule, negative).
 */
public class DefaultHeatmapViewTest extends KaribuTest {

    private static final Map<String, Double> THRESHOLDS = Map.of("pneumonia", 0.40, "effusion", 0.40);

    @Autowired
    AnalysisService analysisService;

    @DynamicPropertySource
    static void modelsWithLowerThresholds(DynamicPropertyRegistry registry) {
        registry.add("chestlens.models-dir", () -> copyWithThresholds(THRESHOLDS).toString());
    }

    @Test
    void theFirstHeatmapIsTheMostProbablePositiveFindingNeverNoFinding() {
        UI.getCurrent().navigate(UploadView.class);
        UploadKt._upload(_get(UploadView.class).upload.upload, "phantom.png", "image/png", AnalysisViewsTest.PHANTOM);
        MockVaadin.clientRoundtrip();
        ResultView view = _get(ResultView.class);
        AnalysisResult result = analysisService.find(ResultPages.publicIdOfOpenResult(), Optional.empty()).orElseThrow();

        // The situation of the bug report: No Finding is the most probable finding, yet two findings are positive.
        assertThat(result.findings().get(0).code()).isEqualTo("no_finding");
        assertThat(result.findings().get(0).positive()).isFalse();
        assertThat(result.positiveFindings()).extracting(Finding::code).containsExactly("effusion", "pneumonia");

        assertThat(view.heatmapFinding.getValue().code()).isEqualTo("effusion");
        assertThat(view.selectedHeatmapFinding()).isEqualTo("effusion");
        assertThat(view.viewer.getElement().getAttribute("overlay")).isNotBlank();
        assertThat(view.heatmapNote.isVisible()).as("a positive finding's map needs no note").isFalse();
        // The choice lists the positive findings first, then the others on request.
        assertThat(view.heatmapFinding.getListDataView().getItems().map(Finding::code).toList())
                .startsWith("effusion", "pneumonia");
        _setValue(view.heatmapFinding, result.finding("no_finding").orElseThrow());
        assertThat(view.heatmapNote.getText()).isEqualTo("No Finding: statement about the whole study \u2014 map shown on request.");
        // The heatmap drawn in the background after the upload is the one shown first.
        assertThat(analysisService.heatmap(result.publicId(), Optional.empty(), "effusion")).isPresent();
    }

    /** The test models in a temporary folder, with some thresholds changed. */
    public static Path copyWithThresholds(Map<String, Double> thresholds) {
        try {
            Path source = Path.of("src/test/resources/onnx/models");
            Path target = Files.createTempDirectory("chestlens-models");
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.toList()) {
                    Path to = target.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(file, to);
                    }
                }
            }
            ObjectMapper json = new ObjectMapper();
            Path manifest = target.resolve("manifest.json");
            ObjectNode root = (ObjectNode) json.readTree(manifest.toFile());
            root.withArray("findings").forEach(f -> {
                Double t = thresholds.get(f.get("code").asText());
                if (t != null) {
                    ((ObjectNode) f).put("threshold", t);
                }
            });
            json.writeValue(manifest.toFile(), root);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
