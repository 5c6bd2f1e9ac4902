package org.chestlens.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.chestlens.analysis.DefaultHeatmapViewTest;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.ImageLimits;
import org.chestlens.imaging.TestImages;
import org.chestlens.inference.InferenceEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code heatmap-check} command: the measures, and a run on a generated folder. */
class HeatmapCheckTest {

    @Test
    void hottestTenPercentInsideTheBody() {
        float[] mask = new float[20];
        java.util.Arrays.fill(mask, 0, 10, 1f); // first half inside
        float[] map = new float[20];
        for (int i = 0; i < 20; i++) {
            map[i] = i; // the two hottest (10%) are pixels 18 and 19, outside
        }
        assertThat(HeatmapCheck.insideShare(map, mask, false)).isZero();
        map[2] = 30f;
        map[3] = 29f;
        assertThat(HeatmapCheck.insideShare(map, mask, false)).isEqualTo(1.0);
        // Drawn intensities: only coloured pixels count; none coloured: no answer.
        assertThat(HeatmapCheck.insideShare(new float[20], mask, true)).isNaN();
    }

    @Test
    void colourOutsideIsOpacityWeighted() {
        float[] mask = {1f, 1f, 0f, 0f};
        assertThat(HeatmapCheck.colourOutside(new float[] {1f, 1f, 0f, 0f}, mask, false)).isZero();
        assertThat(HeatmapCheck.colourOutside(new float[] {1f, 0f, 1f, 0f}, mask, false)).isEqualTo(0.5);
        // The old rule left a quarter of the stretched range transparent.
        assertThat(HeatmapCheck.colourOutside(new float[] {1f, 0f, 0.2f, 0f}, mask, true)).isZero();
    }

    @Test
    void reportsEveryShownMapOfAGeneratedFolder(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        StringBuilder csv = new StringBuilder("path,source,split\n");
        for (int i = 0; i < 5; i++) {
            Files.write(dir.resolve("images/" + i + ".png"), TestImages.png(TestImages.phantomChest(200 + 9 * i, 180, i)));
            csv.append("images/").append(i).append(".png,s").append(i % 2).append(",val\n");
        }
        Files.writeString(dir.resolve("index.csv"), csv);
        // Test models whose Pneumonia and Effusion are positive on these phantoms (see DefaultHeatmapViewTest).
        Path models = DefaultHeatmapViewTest.copyWithThresholds(Map.of("pneumonia", 0.40, "effusion", 0.40));
        InferenceEngine engine = new InferenceEngine(models, 1, 2);
        try {
            Path json = dir.resolve("check.json");
            int code = new HeatmapCheck(new ImageDecoder(ImageLimits.DEFAULT), engine).run(Commands.Arguments.parse(new String[] {
                    "heatmap-check", "--data", dir.toString(), "--out", json.toString(),
                    "--examples", dir.resolve("examples").toString()}));
            assertThat(code).isZero();
            JsonNode report = new ObjectMapper().readTree(json.toFile());
            assertThat(report.path("images").asInt()).isEqualTo(5);
            int accepted = 5 - report.path("rejectedByGate").asInt();
            assertThat(report.path("findings").path("effusion").path("maps").asInt()).isEqualTo(accepted);
            assertThat(report.path("findings").has("no_finding")).as("never a shown map").isFalse();
            JsonNode all = report.path("all");
            assertThat(all.path("hottest10InsideBefore").asDouble()).isBetween(0.0, 1.0);
            if (all.path("colouredAfter").asInt() > 0) {
                assertThat(all.path("colourOutsideAfter").asDouble()).isLessThanOrEqualTo(all.path("colourOutsideBefore").asDouble());
            }
            assertThat(report.path("maskCoverageBySource").path("s0").path("meanCoverage").asDouble()).isBetween(0.5, 0.95);
            try (var files = Files.list(dir.resolve("examples"))) {
                assertThat(files.count()).isPositive();
            }
        } finally {
            engine.destroy();
        }
    }
}
