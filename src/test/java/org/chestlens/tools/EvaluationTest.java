package org.chestlens.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chestlens.SharedData;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.ImageLimits;
import org.chestlens.imaging.TestImages;
import org.chestlens.inference.InferenceEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code evaluate} command's work, on a generated folder and (profile {@code dataset}) on the real val split. */
class EvaluationTest {

    @Test
    void writesTheReportAndOneCsvRowPerImage(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        StringBuilder csv = new StringBuilder("path,source,split,No Finding,Pneumonia,COVID-19,Effusion,Cardiomegaly\n");
        for (int i = 0; i < 12; i++) {
            Files.write(dir.resolve("images/" + i + ".png"), TestImages.png(TestImages.phantomChest(150 + 7 * i, 140, i)));
            csv.append("images/").append(i).append(".png,s").append(i % 2).append(",val,")
                    .append(i % 3 == 0 ? "1,0,,0,0" : "0,1,,1,").append('\n');
        }
        Files.writeString(dir.resolve("images/broken.png"), "not an image");
        csv.append("images/broken.png,s0,val,1,0,0,0,0\n");
        Files.writeString(dir.resolve("index.csv"), csv);
        InferenceEngine engine = new InferenceEngine(Path.of("src/test/resources/onnx/models"), 1, 2);
        try {
            Path json = dir.resolve("report.json");
            Path predictions = dir.resolve("predictions.csv");
            int code = new Evaluation(new ImageDecoder(ImageLimits.DEFAULT), engine).run(Commands.Arguments.parse(new String[] {
                    "evaluate", "--data", dir.toString(), "--out", json.toString(), "--predictions", predictions.toString()}));
            assertThat(code).isZero();
            JsonNode report = new ObjectMapper().readTree(json.toFile());
            assertThat(report.path("images").asInt()).isEqualTo(13);
            assertThat(report.path("decodeErrors").asInt()).isEqualTo(1);
            JsonNode pneumonia = report.path("findings").path("pneumonia");
            assertThat(pneumonia.path("positives").asInt()).isEqualTo(8);
            assertThat(pneumonia.path("negatives").asInt()).isEqualTo(4);
            assertThat(pneumonia.path("auc").asDouble()).isBetween(0.0, 1.0);
            assertThat(pneumonia.path("modelCard").path("auc").asDouble()).isEqualTo(0.9);
            assertThat(report.path("findings").has("covid_19")).as("no labels, still reported").isTrue();
            assertThat(report.path("findings").path("covid_19").path("positives").asInt()).isZero();
            List<String> lines = Files.readAllLines(predictions);
            assertThat(lines.get(0)).isEqualTo("path,status,no_finding,pneumonia,covid_19,effusion,cardiomegaly");
            assertThat(lines).hasSize(14);
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("images/broken.png,ERROR:UNSUPPORTED_FORMAT,,"));
            assertThat(lines.get(1)).matches("images/0\\.png,(COMPLETED|REJECTED)(,0\\.\\d{6}){5}");
        } finally {
            engine.destroy();
        }
    }

    /** The whole val split of the data set (1959 images): profile {@code dataset}. */
    @Test
    @Tag(SharedData.TAG)
    void theValSplitReproducesTheModelCard(@TempDir Path dir) throws Exception {
        Path data = SharedData.require("cxr/index.csv").getParent();
        Path models = Path.of("models");
        assertThat(models.resolve("manifest.json")).as("the release models ship with the project").isRegularFile();
        InferenceEngine engine = new InferenceEngine(models, 1, 2);
        try {
            Path json = dir.resolve("report.json");
            new Evaluation(new ImageDecoder(ImageLimits.DEFAULT), engine).run(Commands.Arguments.parse(new String[] {
                    "evaluate", "--data", data.toString(), "--split", "val", "--out", json.toString(),
                    "--predictions", dir.resolve("p.csv").toString()}));
            JsonNode findings = new ObjectMapper().readTree(json.toFile()).path("findings");
            findings.fields().forEachRemaining(e -> {
                JsonNode f = e.getValue();
                if (f.path("modelCard").isMissingNode() || f.path("auc").isTextual()) {
                    return;
                }
                assertThat(f.path("positives").asInt()).as(e.getKey() + " positives").isEqualTo(f.path("modelCard").path("positives").asInt());
                assertThat(f.path("negatives").asInt()).as(e.getKey() + " negatives").isEqualTo(f.path("modelCard").path("negatives").asInt());
                assertThat(f.path("auc").asDouble()).as(e.getKey() + " AUC vs model card")
                        .isCloseTo(f.path("modelCard").path("auc").asDouble(), within(0.005));
            });
        } finally {
            engine.destroy();
        }
    }
}
