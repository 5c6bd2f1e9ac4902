package org.chestlens.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chestlens.imaging.DecodedImage;
import org.chestlens.imaging.ImageDecoder;
import org.chestlens.imaging.ImageLimits;

/**
 * Runs the Java pipeline (decode, preprocess, graphs, ensemble, CAM, VAE, gate) on every image of a
 * {@code fixtures/fixtures.json} and compares with the values the Python reference computed. Large scores
 * (negElbo is a sum over all pixels) are compared relative to their size: |a - b| <= tol * max(1, |b|).
 */
final class FixtureParity {

    private final Path modelsDir;
    private final double tolerance;
    private String worstOutput = "";
    private final JsonNode fixtures;
    private final List<String> mismatches = new ArrayList<>();
    private double worst;
    private int compared;

    FixtureParity(Path modelsDir) throws IOException {
        this.modelsDir = modelsDir;
        this.fixtures = new ObjectMapper().readTree(modelsDir.resolve("fixtures/fixtures.json").toFile());
        this.tolerance = fixtures.path("tolerance").asDouble(1e-4);
    }

    /** Returns the number of values compared; fails with every mismatch listed. */
    int check(InferenceEngine engine) throws IOException {
        ImageDecoder decoder = new ImageDecoder(new ImageLimits(100L << 20, 100_000_000L, 8));
        for (JsonNode image : fixtures.path("images")) {
            String file = image.path("file").asText();
            DecodedImage decoded = decoder.decode(Files.readAllBytes(modelsDir.resolve("fixtures").resolve(file)));
            assertThat(decoded.width()).as(file + " width").isEqualTo(image.path("width").asInt());
            assertThat(decoded.height()).as(file + " height").isEqualTo(image.path("height").asInt());
            assertThat(decoded.grey().sum()).as(file + " greySum").isEqualTo(image.path("greySum").asLong());
            Prediction p = engine.predict(decoded.grey(), decoded.saturation());
            image.path("members").fields().forEachRemaining(e -> {
                String name = e.getKey();
                JsonNode m = e.getValue();
                Prediction.MemberResult r = p.members().get(name);
                String at = file + " " + name;
                values(at + " input", r.input(), tensor(m.path("input")));
                values(at + " probabilities", r.probabilities(), floats(m.path("probabilities")));
                values(at + " cam", r.cam(), tensor(m.path("cam")));
                values(at + " embedding", r.embedding(), tensor(m.path("embedding")));
                m.path("scalars").fields().forEachRemaining(s ->
                        value(at + " " + s.getKey(), r.scalars().get(s.getKey()), s.getValue().asDouble()));
            });
            JsonNode vae = image.path("vae");
            Prediction.AnomalyResult a = p.anomaly();
            values(file + " vae input", a.input(), tensor(vae.path("input")));
            values(file + " vae reconstruction", a.reconstruction(), tensor(vae.path("reconstruction")));
            values(file + " vae mu", a.mu(), floats(vae.path("mu")));
            values(file + " vae logvar", a.logvar(), floats(vae.path("logvar")));
            value(file + " mse", a.mse(), vae.path("mse").asDouble());
            value(file + " kl", a.kl(), vae.path("kl").asDouble());
            value(file + " negElbo", a.negElbo(), vae.path("negElbo").asDouble());
            JsonNode ranks = vae.path("percentileRank");
            value(file + " mse rank", a.msePercentile(), ranks.path("mse").asDouble());
            value(file + " kl rank", a.klPercentile(), ranks.path("kl").asDouble());
            value(file + " negElbo rank", a.negElboPercentile(), ranks.path("negElbo").asDouble());
            image.path("features").fields().forEachRemaining(f ->
                    value(file + " feature " + f.getKey(), p.features().get(f.getKey()), f.getValue().asDouble()));
            JsonNode ensemble = image.path("ensemble");
            ensemble.path("probabilities").fields().forEachRemaining(f ->
                    value(file + " ensemble " + f.getKey(), p.finding(f.getKey()).probability(), f.getValue().asDouble()));
            ensemble.path("positive").fields().forEachRemaining(f -> {
                if (p.finding(f.getKey()).positive() != f.getValue().asBoolean()) {
                    mismatches.add(file + " positive " + f.getKey());
                }
            });
            float[] expectedCam = tensor(ensemble.path("cam"));
            float[] cam = new float[expectedCam.length];
            int plane = p.cams().width() * p.cams().height();
            int k = 0;
            for (float[] map : p.cams().byFinding().values()) {
                System.arraycopy(map, 0, cam, k++ * plane, plane);
            }
            values(file + " ensemble cam", cam, expectedCam);
            JsonNode gate = image.path("gate");
            if (p.gate().rejected() != gate.path("rejected").asBoolean()
                    || (gate.path("rejected").asBoolean() && !gate.path("feature").asText().equals(p.gate().rule()))) {
                mismatches.add(file + " gate: expected " + gate + " got " + p.gate());
            }
        }
        assertThat(mismatches).as("parity mismatches (tolerance %s, worst %s)", tolerance, worst).isEmpty();
        return compared;
    }

    double worst() {
        return worst;
    }

    /** Which output the worst difference was in. */
    String worstOutput() {
        return worstOutput;
    }

    private void values(String what, float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            mismatches.add(what + ": length " + actual.length + " vs " + expected.length);
            return;
        }
        double max = 0;
        int at = -1;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
            compared++;
            if (d > max || Double.isNaN(d)) {
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                at = i;
            }
        }
        if (max > worst) {
            worst = max;
            worstOutput = what;
        }
        if (max > tolerance) {
            mismatches.add(String.format("%s: max diff %.3g at %d (%s vs %s)", what, max, at, actual[at], expected[at]));
        }
    }

    private void value(String what, Double actual, double expected) {
        compared++;
        if (actual == null) {
            mismatches.add(what + ": missing");
            return;
        }
        double d = Math.abs(actual - expected) / Math.max(1.0, Math.abs(expected));
        if (d > worst) {
            worst = d;
            worstOutput = what;
        }
        if (!(d <= tolerance)) {
            mismatches.add(String.format("%s: %s vs %s", what, actual, expected));
        }
    }

    private float[] tensor(JsonNode ref) {
        try {
            byte[] bytes = Files.readAllBytes(modelsDir.resolve("fixtures").resolve(ref.path("file").asText()));
            float[] out = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

}
