package org.chestlens.inference;

import java.util.List;
import java.util.Map;

/** Small manifests built in code for the maths tests. */
final class ManifestMaths {

    static final ModelManifest.InputSpec INPUT = new ModelManifest.InputSpec("image", 4, 4, 1, "stretch",
            new double[] {0, 1}, null, null);

    private ManifestMaths() {
    }

    static ModelManifest.FindingSpec finding(String code, double threshold, boolean reported) {
        return new ModelManifest.FindingSpec(code, code.toUpperCase(), threshold, reported, "test", null);
    }

    static ModelManifest.MemberSpec member(String name, List<String> findings, Map<String, Double> weights) {
        return new ModelManifest.MemberSpec(name, "test", name + ".onnx", findings, weights, INPUT,
                new ModelManifest.MemberOutputs("p", "cam", "emb", Map.of()));
    }

    static ModelManifest manifest(List<ModelManifest.FindingSpec> findings, List<ModelManifest.MemberSpec> members,
                                  ModelManifest.GateSpec gate) {
        return new ModelManifest("m", "1", "today", null, findings, members, null, null, gate);
    }

    static Prediction.MemberResult result(float[] probabilities, float[] cam, int camH, int camW) {
        return new Prediction.MemberResult(new float[0], probabilities, cam, camH, camW, new float[] {1}, Map.of());
    }
}
