package org.chestlens.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's command mode as {@code java -jar chestlens.jar COMMAND} runs it: its own Spring context (pipeline beans and
 * a throw-away database, no web application). Before: every such command failed at start-up (a bean of the analysis
 * feature and the readiness health group were missing from that context), which tests that build the command objects
 * by hand could not see.
 */
class CommandsTest {

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
