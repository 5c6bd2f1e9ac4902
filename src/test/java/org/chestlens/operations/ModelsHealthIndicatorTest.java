package org.chestlens.operations;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import org.chestlens.LogCapture;
import org.chestlens.inference.InferenceEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Status;

/** The readiness component "models": a node without its models must take no traffic. */
class ModelsHealthIndicatorTest {

    @Test
    void downWithoutModels(@TempDir Path empty) throws Exception {
        try (LogCapture log = LogCapture.of(InferenceEngine.class)) {
            InferenceEngine engine = new InferenceEngine(empty, 1, 1);
            assertThat(new ModelsHealthIndicator(engine).health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(log.lines(Level.WARN)).anyMatch(line -> line.contains("No models are installed"));
        }
    }

    @Test
    void upWithTheTestModels() throws Exception {
        InferenceEngine engine = new InferenceEngine(Path.of("src/test/resources/onnx/models"), 1, 1);
        try {
            var health = new ModelsHealthIndicator(engine).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsKeys("name", "version");
        } finally {
            engine.destroy();
        }
    }
}
