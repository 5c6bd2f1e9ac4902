package org.chestlens.config;

import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.coyote.InputBuffer;
import org.apache.tomcat.util.net.ApplicationBufferHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

/**
 * Keeps slow clients from starving everyone else. Tomcat reads headers without holding a thread, but a request
 * body is read on a worker thread that blocks until the next bytes come: 220 connections sending a byte every two
 * seconds held all 200 threads, and nobody else was served. So, while a request body is being received:
 * <ul>
 *   <li>it must keep up a minimum rate after a grace period ({@code chestlens.http.body-grace}, 20 s, then
 *       {@code chestlens.http.body-min-rate}, 1 KB/s on average, as Apache's mod_reqtimeout does); a slower body is
 *       cut off with 408 and the connection closed;</li>
 *   <li>one client address may send at most {@code chestlens.http.max-bodies-per-client} bodies at once (20), and
 *       all clients together at most {@code chestlens.http.max-bodies} (three quarters of Tomcat's threads), so
 *       requests without a body always find a thread; beyond that: 429 or 503 with Retry-After, at once, without
 *       reading the body.</li>
 * </ul>
 * Behind a proxy the client address is the proxy's unless its forwarded header is trusted (see README, Security).
 */
@Configuration(proxyBeanMethods = false)
class SlowClientGuard {

    private static final Logger log = LoggerFactory.getLogger(SlowClientGuard.class);

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> slowClientValve(
            @Value("${chestlens.http.body-grace:20s}") Duration grace,
            @Value("${chestlens.http.body-min-rate:1KB}") DataSize minRatePerSecond,
            @Value("${chestlens.http.max-bodies-per-client:20}") int maxPerClient,
            @Value("${chestlens.http.max-bodies:0}") int maxBodies,
            @Value("${server.tomcat.threads.max:200}") int threads) {
        int total = maxBodies > 0 ? maxBodies : Math.max(1, threads * 3 / 4);
        // A context valve runs after the engine's (RemoteIpValve among them), so it sees the forwarded client address.
        return factory -> factory.addContextValves(
                new BodyValve(grace.toNanos(), minRatePerSecond.toBytes(), maxPerClient, total));
    }

    /** Request attribute set when the body was cut off as too slow. */
    static final String CUT_OFF = SlowClientGuard.class.getName() + ".cutOff";

    /**
     * Once a body is cut off, Tomcat has already decided the answer (its read failure sends an error and finishes the
     * response); what the application does next on that request fails (a new session cannot be created on a finished
     * response) and Tomcat logged each such failure as an ERROR with its stack trace: a log flood anyone could cause
     * by sending slowly. That failure is dropped here; the valve gives the answer.
     */
    @Bean
    FilterRegistrationBean<Filter> cutOffBodyFilter() {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
            try {
                chain.doFilter(request, response);
            } catch (IOException | ServletException | RuntimeException e) {
                if (request.getAttribute(CUT_OFF) == null) {
                    throw e;
                }
                log.debug("After cutting off a slow body: {}", e.toString());
            }
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** The body took too long: reported as a read timeout, so upload handling can say so (408). */
    static final class SlowBodyException extends SocketTimeoutException {
        SlowBodyException() {
            super("request body too slow");
        }
    }

    static final class BodyValve extends ValveBase {

        private final long graceNanos;
        private final long minBytesPerSecond;
        private final int maxPerClient;
        private final int maxTotal;
        private final ConcurrentHashMap<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
        private final AtomicInteger total = new AtomicInteger();

        BodyValve(long graceNanos, long minBytesPerSecond, int maxPerClient, int maxTotal) {
            super(true);
            this.graceNanos = graceNanos;
            this.minBytesPerSecond = Math.max(1, minBytesPerSecond);
            this.maxPerClient = maxPerClient;
            this.maxTotal = maxTotal;
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            boolean hasBody = request.getContentLengthLong() > 0
                    || "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding"));
            if (!hasBody) {
                getNext().invoke(request, response);
                return;
            }
            String client = request.getRemoteAddr();
            if (!admit(client)) {
                boolean perAddress = total.get() < maxTotal;
                log.debug("Refused a request body from {}: {} bodies in progress from it, {} in all", client,
                        perClient.getOrDefault(client, new AtomicInteger()).get(), total.get());
                refuse(request, response, perAddress ? 429 : 503, perAddress ? "too-many-requests" : "busy",
                        perAddress ? "Too many uploads from your address at once. Wait for them to finish and try again."
                                : "The server is receiving too many uploads at once. Try again in a minute.");
                return;
            }
            org.apache.coyote.Request coyote = request.getCoyoteRequest();
            InputBuffer original = coyote.getInputBuffer();
            GuardedBody body = new GuardedBody(original, client, request);
            coyote.setInputBuffer(body);
            try {
                getNext().invoke(request, response);
            } finally {
                coyote.setInputBuffer(original);
                body.finish();
            }
            if (body.tooSlow) {
                // Tomcat has answered 400 for the failed read (the API's error valve makes it a 408 problem), or the
                // page answered without the unread form fields; the rest of the body is not waited for: the
                // connection closes after the answer.
                coyote.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
                if (!response.isCommitted() && !api(request)) {
                    // A page's form: say what happened rather than forward to the web UI's error page (the sign-in).
                    response.setSuspended(false);
                    response.reset();
                    answer(response, 408, "text/plain", "The request body came too slowly and was stopped.");
                } else if (response.isCommitted()) {
                    // Answered: no error page on top (its dispatch would fail on the finished answer).
                    response.setErrorReported();
                }
                log.info("Cut off a request body from {} after {} bytes in {} s: slower than {} bytes/s", client,
                        body.read, (System.nanoTime() - body.start) / 1_000_000_000L, minBytesPerSecond);
            }
        }

        private boolean admit(String client) {
            if (total.incrementAndGet() > maxTotal) {
                total.decrementAndGet();
                return false;
            }
            AtomicInteger mine = perClient.compute(client, (k, count) -> count == null ? new AtomicInteger() : count);
            if (mine.incrementAndGet() > maxPerClient) {
                release(client);
                return false;
            }
            return true;
        }

        private void release(String client) {
            total.decrementAndGet();
            perClient.computeIfPresent(client, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
        }

        /** Answers at once and closes the connection afterwards instead of reading (swallowing) the body. */
        private static void refuse(Request request, Response response, int status, String code, String detail)
                throws IOException {
            request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            response.setHeader("Retry-After", "10");
            if (api(request)) {
                answer(response, status, "application/problem+json", "{\"type\":\"https://chestlens.org/problems/" + code
                        + "\",\"title\":\"Request refused\",\"status\":" + status + ",\"detail\":\"" + detail
                        + "\",\"code\":\"" + code + "\"}");
            } else {
                answer(response, status, "text/plain", detail);
            }
        }

        /**
         * Writes the whole answer, closing the connection after it. Not reading the body marks the exchange as
         * failed, and Tomcat would then forward the finished answer to the error page (a second dispatch that failed
         * on it and logged a stack trace each time): the answer is marked as the reported error.
         */
        private static void answer(Response response, int status, String contentType, String body) throws IOException {
            response.setStatus(status);
            response.setHeader("Connection", "close");
            response.setContentType(contentType);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(body);
            response.finishResponse();
            response.setErrorReported();
        }

        private static boolean api(Request request) {
            return request.getRequestURI() != null && request.getRequestURI().startsWith("/api/");
        }

        /** The request body as Tomcat reads it, counted; too slow after the grace period: a read timeout. */
        private final class GuardedBody implements InputBuffer {

            private final InputBuffer delegate;
            private final String client;
            final long start = System.nanoTime();
            long read;
            boolean tooSlow;
            private boolean finished;

            private final Request request;

            GuardedBody(InputBuffer delegate, String client, Request request) {
                this.delegate = delegate;
                this.client = client;
                this.request = request;
            }

            @Override
            public int doRead(ApplicationBufferHandler handler) throws IOException {
                if (tooSlow) {
                    throw new SlowBodyException();
                }
                int n = delegate.doRead(handler);
                if (n < 0) {
                    finish();
                    return n;
                }
                read += n;
                long elapsed = System.nanoTime() - start;
                // mod_reqtimeout's rule: the grace period, plus one second for every minRate bytes received.
                if (!finished && elapsed > graceNanos + read * 1_000_000_000L / minBytesPerSecond) {
                    tooSlow = true;
                    request.setAttribute(CUT_OFF, Boolean.TRUE);
                    finish();
                    throw new SlowBodyException();
                }
                return n;
            }

            @Override
            public int available() {
                return delegate.available();
            }

            /** The body is in (or given up): it no longer counts against the limits. */
            void finish() {
                if (!finished) {
                    finished = true;
                    release(client);
                }
            }
        }
    }
}
