package org.chestlens.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.chestlens.LogCapture;
import org.junit.jupiter.api.Test;

class OnnxGraphTest {

    /**
     * Closing a graph while other threads run it must not free the native session under a run: before the fix this
     * crashed the test JVM (SIGSEGV in libonnxruntime) when a request gave up while its graphs still ran and the
     * engine was then closed.
     */
    @Test
    void closingWaitsForRunsInProgressAndThenRefusesNewOnes() throws Exception {
        OnnxGraph graph = new OnnxGraph(ParityTest.TEST_MODELS.resolve("members/alpha.onnx"), "image", 1, 2);
        float[] input = new float[64 * 64];
        long[] shape = {1, 1, 64, 64};
        CountDownLatch someRunsDone = new CountDownLatch(4);
        AtomicInteger completed = new AtomicInteger();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(3);
        for (int i = 0; i < 3; i++) {
            callers.execute(() -> {
                try {
                    while (true) {
                        Map<String, OnnxGraph.Tensor> out = graph.run(input, shape);
                        if (out.get("probabilities") == null) {
                            unexpected.add(new AssertionError("no probabilities in " + out.keySet()));
                        }
                        completed.incrementAndGet();
                        someRunsDone.countDown();
                    }
                } catch (IllegalStateException e) {
                    if (!e.getMessage().contains("is closed")) {
                        unexpected.add(e);
                    }
                } catch (Throwable t) {
                    unexpected.add(t);
                }
            });
        }
        // Time limits for a failure only (a hang), generous for a busy 2-core machine: the waits end when the work is done.
        assertThat(someRunsDone.await(3, TimeUnit.MINUTES)).isTrue();

        graph.close(); // three callers on two predictors: runs in progress and callers waiting for one

        callers.shutdown();
        assertThat(callers.awaitTermination(3, TimeUnit.MINUTES)).as("every caller stopped").isTrue();
        assertThat(unexpected).isEmpty();
        assertThat(completed.get()).isGreaterThanOrEqualTo(4);
        assertThatThrownBy(() -> graph.run(input, shape)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");

        // A second close has nothing to wait for: before the fix it waited for predictors the first close had freed
        // (OnnxGraph.CLOSE_WAIT) and then warned that the model was "still running".
        try (LogCapture closing = LogCapture.of(OnnxGraph.class)) {
            graph.close();
            assertThat(closing.lines()).isEmpty();
        }
    }
}
