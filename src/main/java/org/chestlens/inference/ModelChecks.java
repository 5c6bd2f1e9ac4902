package org.chestlens.inference;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Start-up checks that each graph does what the manifest says: a zero image goes through and every named output
 * comes back with the expected shape. A mismatch stops start-up with the file's name.
 */
final class ModelChecks {

    private ModelChecks() {
    }

    /** Returns the size of the member's embedding. */
    static int member(ModelManifest.MemberSpec m, OnnxGraph graph) {
        Map<String, OnnxGraph.Tensor> out = probe(graph, m.input());
        int f = m.findings().size();
        expect(graph, out, m.outputs().probabilities(), s -> s.length == 2 && s[1] == f, "[1, " + f + "]");
        expect(graph, out, m.outputs().cam(), s -> s.length == 4 && s[1] == f && s[2] > 0 && s[3] > 0, "[1, " + f + ", h, w]");
        expect(graph, out, m.outputs().embedding(), s -> s.length == 2 && s[1] > 0, "[1, D]");
        if (m.outputs().scalars() != null) {
            for (String name : m.outputs().scalars().values()) {
                expect(graph, out, name, s -> (s.length == 1) || (s.length == 2 && s[1] == 1), "[1] or [1, 1]");
            }
        }
        return (int) out.get(m.outputs().embedding()).shape()[1];
    }

    static void anomaly(ModelManifest.AnomalySpec a, OnnxGraph graph) {
        Map<String, OnnxGraph.Tensor> out = probe(graph, a.input());
        long[] in = InferenceEngine.shape(1, a.input());
        expect(graph, out, a.outputs().reconstruction(), s -> Arrays.equals(s, in), Arrays.toString(in));
        expect(graph, out, a.outputs().mu(), s -> s.length == 2 && s[1] > 0, "[1, Z]");
        long z = out.get(a.outputs().mu()).shape()[1];
        expect(graph, out, a.outputs().logvar(), s -> s.length == 2 && s[1] == z, "[1, " + z + "]");
    }

    /** Sub-types name an existing finding that is not itself a sub-type, conditional findings are sub-types;
     * at most one normal finding. */
    static void findingRelations(ModelManifest manifest, Path manifestFile) {
        Map<String, ModelManifest.FindingSpec> byCode = new java.util.HashMap<>();
        manifest.findings().forEach(f -> byCode.put(f.code(), f));
        for (ModelManifest.FindingSpec f : manifest.findings()) {
            if (f.subtypeOf() == null) {
                if (f.isConditional()) {
                    throw new IllegalStateException(manifestFile + ": finding '" + f.code()
                            + "' is conditional but names no parent (subtypeOf)");
                }
                continue;
            }
            ModelManifest.FindingSpec parent = byCode.get(f.subtypeOf());
            if (parent == null || parent.subtypeOf() != null || parent.code().equals(f.code())) {
                throw new IllegalStateException(manifestFile + ": finding '" + f.code() + "' is a sub-type of '"
                        + f.subtypeOf() + "', which is not a top-level finding of the manifest");
            }
        }
        if (manifest.findings().stream().filter(ModelManifest.FindingSpec::isNormal).count() > 1) {
            throw new IllegalStateException(manifestFile + ": more than one finding is marked normal");
        }
    }

    static void gateFeatures(ModelManifest manifest, Path manifestFile) {
        if (manifest.gate() == null || manifest.gate().rules() == null) {
            return;
        }
        Set<String> known = GateFeatures.known(manifest);
        for (ModelManifest.GateRule r : manifest.gate().rules()) {
            if (!known.contains(r.feature())) {
                throw new IllegalStateException(manifestFile + ": gate rule on unknown feature '" + r.feature()
                        + "' (known: " + known + ")");
            }
        }
    }

    private static Map<String, OnnxGraph.Tensor> probe(OnnxGraph graph, ModelManifest.InputSpec spec) {
        long[] shape = InferenceEngine.shape(1, spec);
        try {
            return graph.run(new float[(int) (shape[1] * shape[2] * shape[3])], shape);
        } catch (RuntimeException e) {
            throw new IllegalStateException(graph.file() + ": does not accept input '" + spec.name() + "' of shape "
                    + Arrays.toString(shape) + " as the manifest says: " + e.getMessage(), e);
        }
    }

    private static void expect(OnnxGraph graph, Map<String, OnnxGraph.Tensor> out, String name,
                               java.util.function.Predicate<long[]> ok, String expected) {
        OnnxGraph.Tensor t = out.get(name);
        if (t == null) {
            throw new IllegalStateException(graph.file() + ": has no output '" + name + "' (outputs: " + out.keySet()
                    + "), but the manifest names it");
        }
        if (t.shape()[0] != 1 || !ok.test(t.shape())) {
            throw new IllegalStateException(graph.file() + ": output '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + ", the manifest implies " + expected);
        }
    }
}
