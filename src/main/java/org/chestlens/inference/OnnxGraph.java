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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger log = LoggerFactory.getLogger(OnnxGraph.class);
    /** How long {@link #close()} waits for runs in progress. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    /** An output tensor: values (row-major) and shape. */
    record Tensor(float[] values, long[] shape) {
    }

    private final Path file;
    private final String inputName;
    private final Model model;
    private final BlockingQueue<Predictor<NDList, NDList>> predictors;
    private final int poolSize;
    private volatile boolean closed;

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
        this.poolSize = poolSize;
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
        Predictor<NDList, NDList> predictor = null;
        try {
            while (predictor == null) {
                requireOpen();
                predictor = predictors.poll(100, TimeUnit.MILLISECONDS); // returns as soon as one is free
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a predictor", e);
        }
        if (closed) {
            predictors.add(predictor);
            requireOpen();
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

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("ONNX model " + file + " is closed");
        }
    }

    /**
     * Refuses new runs, waits until every predictor is back (a session freed under a running graph crashes the
     * JVM in native code, e.g. when a caller gave up on a request whose graphs still run), then frees them.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return; // a second close would wait for predictors the first one already freed
        }
        closed = true;
        List<Predictor<NDList, NDList>> idle = new ArrayList<>(poolSize);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            while (idle.size() < poolSize) {
                Predictor<NDList, NDList> p = predictors.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (p == null) {
                    log.warn("ONNX model {} still running after {}; left open rather than freed under the run", file, CLOSE_WAIT);
                    return;
                }
                idle.add(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Interrupted while closing ONNX model {}; left open", file);
            return;
        }
        idle.forEach(Predictor::close);
        model.close();
    }
}
