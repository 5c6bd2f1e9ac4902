package org.chestlens.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's command-line modes as an operator starts them: {@link Commands#run} builds the commands' own Spring
 * context (its component filter names the beans by hand, so a bean the pipeline gained and the filter missed only
 * shows here: the evaluate and benchmark modes once failed with "No qualifying bean of type MemoryBudget").
 */
class CommandsTest {

    @Test
    void heatmapCheckRunsInTheCommandContext(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        StringBuilder csv = new StringBuilder("path,source,split\n");
        for (int i = 0; i < 2; i++) {
            Files.write(dir.resolve("images/" + i + ".png"), TestImages.png(TestImages.phantomChest(220, 200, i)));
            csv.append("images/").append(i).append(".png,s,val\n");
        }
        Files.writeString(dir.resolve("index.csv"), csv);
        Path json = dir.resolve("check.json");

        int code = Commands.run(new String[] {"heatmap-check", "--models", "src/test/resources/onnx/models",
                "--data", dir.toString(), "--out", json.toString()});

        assertThat(code).isZero();
        assertThat(new ObjectMapper().readTree(json.toFile()).path("images").asInt()).isEqualTo(2);
    }

    @Test
    void anUnknownOptionValueIsAUsageError() {
        assertThat(Commands.run(new String[] {"evaluate"})).as("--data is required").isNotZero();
    }

    @Test
    void triageCheckStartsThePipelineWithoutTheWebApplication(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        StringBuilder csv = new StringBuilder("path,source,split,No Finding,Pneumonia\n");
        for (int i = 0; i < 3; i++) {
            Files.write(dir.resolve("images/" + i + ".png"), TestImages.png(TestImages.phantomChest(240, 220, i)));
            csv.append("images/").append(i).append(".png,s,val,").append(i == 0 ? "0,1" : "1,0").append('\n');
        }
        Files.writeString(dir.resolve("index.csv"), csv);
        Path out = dir.resolve("triage.json");
        int code = Commands.run(new String[] {"triage-check", "--data", dir.toString(), "--models",
                "src/test/resources/onnx/models", "--out", out.toString()});
        assertThat(code).isZero();
        assertThat(Files.readString(out)).contains("\"images\" : 3");
    }
}
