package org.chestlens.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.chestlens.LogCapture;
import org.chestlens.imaging.GreyImage;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up: no models means unavailable; broken models stop start-up with the file's name. Running: the caller's
 * own work overlaps the graphs.
 */
class InferenceEngineTest {

    @Test
    void theCallersWorkRunsOnItsThreadWhileTheGraphsRunAndTheSideWorkOnThePool() throws IOException {
        InferenceEngine engine = new InferenceEngine(ParityTest.TEST_MODELS, 1, 2);
        try {
            GreyImage image = TestImages.grey(TestImages.phantomChest(200, 180, 3));
            Thread caller = Thread.currentThread();
            AtomicReference<Thread> sideThread = new AtomicReference<>();
            AtomicReference<Thread> waitingThread = new AtomicReference<>();
            Prediction overlapped = engine.predict(image, 0, () -> sideThread.set(Thread.currentThread()),
                    () -> waitingThread.set(Thread.currentThread()));
            assertThat(waitingThread.get()).isSameAs(caller);
            assertThat(sideThread.get()).isNotNull().isNotSameAs(caller);
            assertThat(sideThread.get().getName()).startsWith("inference-");
            // The same numbers as a plain run, and the stages are all timed.
            Prediction plain = engine.predict(image, 0);
            assertThat(overlapped.findings()).extracting(Prediction.FindingScore::probability)
                    .containsExactlyElementsOf(plain.findings().stream().map(Prediction.FindingScore::probability).toList());
            assertThat(overlapped.stageNanos()).containsKeys("preprocess", "models", "combine", "vae");

            assertThatThrownBy(() -> engine.predict(image, 0, () -> { }, () -> {
                throw new IllegalStateException("the database said no");
            })).hasMessage("the database said no");
            assertThatThrownBy(() -> engine.predict(image, 0, () -> {
                throw new IllegalStateException("no thumbnail");
            }, () -> { })).hasMessage("no thumbnail");
            assertThat(engine.predict(image, 0).findings()).hasSameSizeAs(plain.findings()); // still serving
        } finally {
            engine.destroy();
        }
    }

    @Test
    void withoutAManifestTheEngineIsUnavailableAndSaysWhy(@TempDir Path empty) throws IOException {
        InferenceEngine engine;
        try (LogCapture log = LogCapture.of(InferenceEngine.class)) {
            engine = new InferenceEngine(empty.resolve("nothing-here"), 1, 1);
            assertThat(log.lines(Level.WARN)).singleElement().asString().contains("No models are installed");
        }
        assertThat(engine.available()).isFalse();
        assertThat(engine.unavailableReason()).hasValueSatisfying(r -> assertThat(r).contains("manifest.json"));
        assertThat(engine.manifest()).isEmpty();
        engine.destroy();
    }

    @Test
    void aMissingModelFileStopsStartUpNamingIt(@TempDir Path dir) throws IOException {
        copyTestModels(dir);
        Files.delete(dir.resolve("members/beta.onnx"));
        assertThatThrownBy(() -> new InferenceEngine(dir, 1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("members/beta.onnx").hasMessageContaining("not found");
    }

    @Test
    void outputsThatDoNotMatchTheManifestStopStartUpNamingTheFile(@TempDir Path dir) throws IOException {
        copyTestModels(dir);
        edit(dir, "\"cam\": \"cam\"", "\"cam\": \"heat\"");
        assertThatThrownBy(() -> new InferenceEngine(dir, 1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("alpha.onnx").hasMessageContaining("no output 'heat'");
    }

    @Test
    void aFindingCountThatDoesNotMatchTheGraphStopsStartUp(@TempDir Path dir) throws IOException {
        copyTestModels(dir);
        edit(dir, "\"findings\": [\n    \"effusion\",\n    \"pneumonia\",\n    \"no_finding\"\n   ]",
                "\"findings\": [\"effusion\", \"pneumonia\"]");
        assertThatThrownBy(() -> new InferenceEngine(dir, 1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gamma.onnx").hasMessageContaining("output 'probabilities' has shape [1, 3]");
    }

    @Test
    void aWrongInputNameStopsStartUp(@TempDir Path dir) throws IOException {
        copyTestModels(dir);
        edit(dir, "\"name\": \"pixels\"", "\"name\": \"input\"");
        assertThatThrownBy(() -> new InferenceEngine(dir, 1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("beta.onnx").hasMessageContaining("does not accept input 'input'");
    }

    @Test
    void aGateRuleOnAnUnknownFeatureStopsStartUp(@TempDir Path dir) throws IOException {
        copyTestModels(dir);
        edit(dir, "\"feature\": \"input.edgeMean\"", "\"feature\": \"input.sharpness\"");
        assertThatThrownBy(() -> new InferenceEngine(dir, 1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("manifest.json").hasMessageContaining("input.sharpness");
    }

    @Test
    void aSubtypeOfAnUnknownFindingStopsStartUp(@TempDir Path dir) throws IOException {
        copyTestModels(dir);
        edit(dir, "\"code\": \"covid_19\",", "\"code\": \"covid_19\", \"subtypeOf\": \"viral\",");
        assertThatThrownBy(() -> new InferenceEngine(dir, 1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("manifest.json").hasMessageContaining("covid_19").hasMessageContaining("viral");
    }

    @Test
    void aConditionalFindingWithoutParentStopsStartUp(@TempDir Path dir) throws IOException {
        copyTestModels(dir);
        edit(dir, "\"code\": \"covid_19\",", "\"code\": \"covid_19\", \"conditional\": true,");
        assertThatThrownBy(() -> new InferenceEngine(dir, 1, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("manifest.json").hasMessageContaining("covid_19").hasMessageContaining("conditional");
    }

    @Test
    void aConditionalSubtypeLoadsAndSaysSo(@TempDir Path dir) throws IOException {
        copyTestModels(dir);
        edit(dir, "\"code\": \"covid_19\",", "\"code\": \"covid_19\", \"subtypeOf\": \"pneumonia\", \"conditional\": true,");
        InferenceEngine engine = new InferenceEngine(dir, 1, 1);
        try {
            ModelManifest.FindingSpec covid = engine.manifest().orElseThrow().findings().stream()
                    .filter(f -> f.code().equals("covid_19")).findFirst().orElseThrow();
            assertThat(covid.isConditional()).isTrue();
            assertThat(covid.subtypeOf()).isEqualTo("pneumonia");
        } finally {
            engine.destroy();
        }
    }

    private static void edit(Path dir, String from, String to) throws IOException {
        Path manifest = dir.resolve("manifest.json");
        String text = Files.readString(manifest);
        assertThat(text).contains(from);
        Files.writeString(manifest, text.replace(from, to));
    }

    private static void copyTestModels(Path target) throws IOException {
        Path source = ParityTest.TEST_MODELS;
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("fixtures")).toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                Files.createDirectories(to.getParent());
                Files.copy(p, to);
            }
        }
    }
}
