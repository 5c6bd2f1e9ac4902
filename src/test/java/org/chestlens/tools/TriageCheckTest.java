package org.chestlens.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.ImageLimits;
import org.chestlens.imaging.TestImages;
import org.chestlens.inference.InferenceEngine;
import org.chestlens.worklist.Urgency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code triage-check} command: its measures on a known order, and a run on a generated folder. */
class TriageCheckTest {

    private static TriageCheck.Study study(String name, boolean abnormal, boolean positive, double relative, double anomaly) {
        return new TriageCheck.Study(name, "s", abnormal, new Urgency(positive, relative, anomaly), relative);
    }

    @Test
    void abnormalShareInTheTopAndAucOfAKnownOrder() {
        List<TriageCheck.Study> studies = new ArrayList<>(List.of(
                study("a", true, true, 2.0, 50), study("b", false, true, 1.5, 10),
                study("c", true, false, 0, 90), study("d", false, false, 0, 80), study("e", false, false, 0, 70),
                study("f", true, false, 0, 60), study("g", false, false, 0, 50), study("h", false, false, 0, 40),
                study("i", false, false, 0, 30), study("j", false, false, 0, 20)));
        Collections.shuffle(studies, new Random(7));
        Map<String, Object> m = TriageCheck.measure(studies, TriageCheck.byUrgency(Urgency.MOST_URGENT_FIRST), 0.1);
        assertThat(m.get("studies")).isEqualTo(10);
        assertThat(m.get("topStudies")).isEqualTo(1);
        assertThat(m.get("abnormalInTop")).isEqualTo(1.0);
        assertThat(m.get("abnormalOverall")).isEqualTo(0.3);
        assertThat((Double) m.get("lift")).isCloseTo(3.3333, within(1e-4));
        // Abnormal before normal: a before all 7 normals, c before 6 (not b), f before 4 = 17 of 21 pairs.
        assertThat((Double) m.get("auc")).isCloseTo(17 / 21.0, within(1e-4));

        // The top 30% holds a, b, c: two of three abnormal.
        assertThat(TriageCheck.measure(studies, TriageCheck.byUrgency(Urgency.MOST_URGENT_FIRST), 0.3).get("abnormalInTop")).isEqualTo(0.6667);
    }

    @Test
    void equallyUrgentStudiesCountHalfInTheAuc() {
        List<TriageCheck.Study> tie = List.of(study("x", true, false, 0, 50), study("y", false, false, 0, 50));
        assertThat(TriageCheck.measure(tie, TriageCheck.byUrgency(Urgency.MOST_URGENT_FIRST), 0.5).get("auc")).isEqualTo(0.5);
    }

    @Test
    void runsTheModelsOnAGeneratedLabelledFolder(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        StringBuilder csv = new StringBuilder("path,source,split,No Finding,Pneumonia,Effusion\n");
        for (int i = 0; i < 8; i++) {
            Files.write(dir.resolve("images/" + i + ".png"), TestImages.png(TestImages.phantomChest(220 + 7 * i, 200, i)));
            boolean abnormal = i % 3 == 0;
            csv.append("images/").append(i).append(".png,s").append(i % 2).append(i < 7 ? ",val," : ",train,")
                    .append(abnormal ? "0,1," : "1,0,").append(i == 4 ? "" : "0").append('\n');
        }
        Files.writeString(dir.resolve("index.csv"), csv);
        InferenceEngine engine = new InferenceEngine(Path.of("src/test/resources/onnx/models"), 1, 2);
        try {
            Path json = dir.resolve("triage.json");
            int code = new TriageCheck(new ImageDecoder(ImageLimits.DEFAULT), engine).run(Commands.Arguments.parse(
                    new String[] {"triage-check", "--data", dir.toString(), "--split", "val", "--out", json.toString()}));
            assertThat(code).isZero();
            JsonNode report = new ObjectMapper().readTree(json.toFile());
            assertThat(report.path("images").asInt()).as("the val rows only").isEqualTo(7);
            JsonNode urgency = report.path("all").path("urgency");
            int accepted = urgency.path("studies").asInt();
            assertThat(accepted + report.path("rejectedByGate").asInt()).isEqualTo(7);
            // Abnormal rows 0, 3 and 6 (Pneumonia 1); the gate may refuse some phantoms, and then counts them apart.
            assertThat(urgency.path("abnormal").asInt() + report.path("rejectedAbnormal").asInt()).isEqualTo(3);
            assertThat(urgency.path("topStudies").asInt()).isEqualTo(accepted == 0 ? 0 : (int) Math.ceil(0.1 * accepted));
            assertThat(report.path("all").has("anomalyOnly")).isTrue();
            assertThat(report.path("all").has("positiveFindingsOnly")).isTrue();
            assertThat(report.path("all").has("negativesByProbabilityThenAnomaly")).isTrue();
            assertThat(report.path("bySource").size()).isBetween(1, 2);
        } finally {
            engine.destroy();
        }
    }
}
