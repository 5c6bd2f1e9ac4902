package org.chestlens.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Java pipeline reproduces the Python reference's fixtures within their tolerance (1e-4). */
class ParityTest {

    static final Path TEST_MODELS = Path.of("src/test/resources/onnx/models");
    static final Path RELEASE_MODELS = Path.of("models");

    @Test
    void reproducesTheTestModelsFixtures() throws Exception {
        InferenceEngine engine = new InferenceEngine(TEST_MODELS, 1, 2);
        try {
            FixtureParity parity = new FixtureParity(TEST_MODELS);
            assertThat(parity.check(engine)).isGreaterThan(1000);
            System.out.printf("test models parity: worst relative difference %.3g (%s)%n", parity.worst(), parity.worstOutput());
        } finally {
            engine.destroy();
        }
    }

    @Test
    void reproducesTheReleaseModelsFixtures() throws Exception {
        assertThat(RELEASE_MODELS.resolve("fixtures/fixtures.json")).as("the release models ship with the project").isRegularFile();
        InferenceEngine engine = new InferenceEngine(RELEASE_MODELS, 1, 2);
        try {
            FixtureParity parity = new FixtureParity(RELEASE_MODELS);
            assertThat(parity.check(engine)).isGreaterThan(1000);
            System.out.printf("release models parity: worst relative difference %.3g (%s)%n", parity.worst(), parity.worstOutput());
        } finally {
            engine.destroy();
        }
    }
}
