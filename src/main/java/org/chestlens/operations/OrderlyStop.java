package org.chestlens.operations;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

/**
 * Stops the application before the JVM's shutdown hooks run. ONNX Runtime frees its native environment in a JVM
 * shutdown hook of its own, and the JVM starts all hooks at once: beside Spring's, which drains requests and lets
 * running jobs finish ({@link DrainOnShutdown}), it freed the environment under analyses still running and the JVM
 * died in native code (SIGSEGV, an hs_err file, exit 134). On SIGTERM (systemd, {@code kill}) and SIGINT (Ctrl-C)
 * this closes the Spring context first (readiness off, requests drained, jobs finished, models closed) and then exits
 * with the status a JVM stopped by that signal has (143, 130); the hooks then find nothing left to free under a run.
 * A second signal while stopping is only logged. {@code kill -9} is unaffected (the next start recovers).
 */
public final class OrderlyStop {

    private static final Logger log = LoggerFactory.getLogger(OrderlyStop.class);
    private static final Map<String, Integer> SIGNALS = Map.of("TERM", 15, "INT", 2);

    private OrderlyStop() {
    }

    public static void install(ConfigurableApplicationContext context) {
        AtomicBoolean stopping = new AtomicBoolean();
        SIGNALS.forEach((name, number) -> Signal.handle(new Signal(name), signal -> {
            if (!stopping.compareAndSet(false, true)) {
                log.info("SIG{} received while stopping: still finishing the work in progress", name);
                return;
            }
            log.info("SIG{} received: stopping ChestLens (finishing the work in progress first)", name);
            // Not the signal's daemon thread: once the context is closed no other thread keeps the JVM alive, and it
            // would end on its own (status 0) before a daemon thread reached System.exit.
            Thread stop = new Thread(() -> {
                try {
                    context.close();
                } finally {
                    System.exit(128 + number);
                }
            }, "orderly-stop");
            stop.setDaemon(false);
            stop.start();
        }));
    }
}
