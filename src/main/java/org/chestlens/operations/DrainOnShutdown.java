package org.chestlens.operations;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The first step of stopping a node. Spring Boot turns readiness to REFUSING_TRAFFIC as soon as the context starts
 * closing; this lifecycle, stopped before the web server (highest phase), then keeps serving for
 * {@code chestlens.shutdown.drain-delay} so the load balancer's health checks see readiness down and send new
 * requests elsewhere. Then the web server's graceful shutdown ({@code server.shutdown=graceful}) refuses new
 * connections and lets the requests in progress (analyses among them) finish.
 */
@Component
class DrainOnShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DrainOnShutdown.class);

    private final Duration drainDelay;
    private volatile boolean running;

    DrainOnShutdown(@Value("${chestlens.shutdown.drain-delay:0s}") Duration drainDelay) {
        this.drainDelay = drainDelay;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        if (running && !drainDelay.isZero()) {
            log.info("Stopping: readiness is down; serving {} s more while the load balancer takes this node out",
                    drainDelay.toMillis() / 1000.0);
            try {
                Thread.sleep(drainDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
