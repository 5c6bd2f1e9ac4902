package org.chestlens.inference;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One ONNX graph loaded through DJL's ONNX Runtime engine, with a pool of predictors so concurrent requests
 * never share one (DJL predictors are not thread-safe).
 *
 * <p>Thread settings: each session gets {@code intraOpThreads} (default 1) and no inter-op pool. With one
 * intra-op thread a run executes on the calling thread only, no ONNX Runtime pool spins waiting for work, and
 * parallelism comes from running the ensemble's graphs side by side ({@link InferenceEngine}), which also keeps
 * 2 cores fully used when 4 requests arrive together. With more than one, spinning is switched off so idle pool
 * threads do not steal the other requests' core.
 */
final class OnnxGraph implements AutoCloseable {

    /** An output tensor: values (row-major) and shape. */
    record Tensor(float[] values, long[] shape) {
    }

    private final Path file;
    private final String inputName;
    private final Model model;
    private final BlockingQueue<Predictor<NDList, NDList>> predictors;

    OnnxGraph(Path file, String inputName, int intraOpThreads, int poolSize) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Model file not found: " + file.toAbsolutePath());
        }
        this.file = file;
        this.inputName = inputName;
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 1) {
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            model = Model.newInstance(file.getFileName().toString(), Device.cpu(), "OnnxRuntime");
            model.load(file, null, Map.of("sessionOptions", options));
        } catch (OrtException | IOException | MalformedModelException | RuntimeException e) {
            throw new IllegalStateException("Cannot load ONNX model " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        predictors = new ArrayBlockingQueue<>(poolSize);
        for (int i = 0; i < poolSize; i++) {
            predictors.add(model.newPredictor(new NoopTranslator()));
        }
    }

    Path file() {
        return file;
    }

    /**
     * Runs the graph on a batch.
     *
     * @param input NCHW values
     * @param shape {N, C, H, W}
     * @return every output by name
     */
    Map<String, Tensor> run(float[] input, long[] shape) {
        Predictor<NDList, NDList> predictor;
        try {
            predictor = predictors.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a predictor", e);
        }
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray x = manager.create(FloatBuffer.wrap(input), new Shape(shape));
            x.setName(inputName);
            NDList outputs = predictor.predict(new NDList(x));
            Map<String, Tensor> result = new HashMap<>();
            for (NDArray out : outputs) {
                result.put(out.getName(), new Tensor(out.toFloatArray(), out.getShape().getShape()));
            }
            return result;
        } catch (TranslateException | RuntimeException e) {
            throw new IllegalStateException("ONNX model " + file + " failed: " + e.getMessage(), e);
        } finally {
            predictors.add(predictor);
        }
    }

    @Override
    public void close() {
        predictors.forEach(Predictor::close);
        model.close();
    }
}
