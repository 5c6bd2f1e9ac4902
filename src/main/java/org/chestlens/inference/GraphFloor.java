package org.chestlens.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.chestlens.imaging.GreyImage;

/**
 * The benchmark's floor: the same ONNX graphs in plain ONNX Runtime sessions (no DJL, no pools, no threads of
 * ours), same session options as the server, timed around {@code session.run} alone on inputs prepared
 * beforehand. Whatever the pipeline adds on top of this is overhead.
 */
public final class GraphFloor implements AutoCloseable {

    private final ModelManifest manifest;
    private final Map<String, OrtSession> sessions = new LinkedHashMap<>();
    private final Map<String, ModelManifest.InputSpec> inputs = new LinkedHashMap<>();
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    public GraphFloor(InferenceEngine engine, int intraOpThreads) {
        this.manifest = engine.manifest().orElseThrow(() -> new IllegalStateException("no models"));
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 1) {
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            for (Map.Entry<String, java.nio.file.Path> graph : engine.graphFiles().entrySet()) {
                sessions.put(graph.getKey(), env.createSession(graph.getValue().toString(), options));
            }
        } catch (OrtException e) {
            close();
            throw new IllegalStateException("cannot open ONNX Runtime sessions: " + e.getMessage(), e);
        }
        manifest.members().forEach(m -> inputs.put("member." + m.name(), m.input()));
        inputs.put("vae", manifest.anomaly().input());
    }

    /** Input tensors for every graph, prepared (and not timed) once per image. */
    public Map<String, float[]> prepare(GreyImage image) {
        Preprocessing pre = new Preprocessing(image);
        Map<String, float[]> out = new LinkedHashMap<>();
        inputs.forEach((graph, spec) -> out.put(graph, pre.tensor(spec)));
        return out;
    }

    /** Nanoseconds of {@code session.run} per graph, one after the other. */
    public Map<String, Long> time(Map<String, float[]> prepared) {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, OrtSession> s : sessions.entrySet()) {
                ModelManifest.InputSpec spec = inputs.get(s.getKey());
                try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(prepared.get(s.getKey())),
                        InferenceEngine.shape(1, spec))) {
                    long t = System.nanoTime();
                    try (OrtSession.Result result = s.getValue().run(Map.of(spec.name(), tensor))) {
                        out.put(s.getKey(), System.nanoTime() - t);
                    }
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Override
    public void close() {
        for (OrtSession s : sessions.values()) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // closing: nothing left to do
            }
        }
    }
}
