package org.chestlens.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;

/**
 * 220 connections that send a request body one byte every two seconds held all of Tomcat's 200 threads, and nobody
 * else was answered. Now other callers are served meanwhile, the slow bodies beyond the per-client limit are refused
 * at once, and the admitted ones are cut off after the grace period. Loopback only; the bounds are generous
 * ("answered at all"), not speed targets.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SlowClientIT {

    private static final int SLOW_CLIENTS = 220;

    @LocalServerPort
    int port;
    @Autowired
    ServletWebServerApplicationContext context;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void othersAreServedWhileSlowBodiesDripAndTheSlowBodiesEndWithAnAnswer() throws Exception {
        List<Socket> slow = new ArrayList<>();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                socket.setSoTimeout(1);
                socket.getOutputStream().write(("POST /api/v1/analyses HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: multipart/form-data; boundary=slow\r\nContent-Length: 1000000\r\n\r\n--slow\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            drip.scheduleAtFixedRate(() -> slow.forEach(SlowClientIT::sendOneByte), 0, 2, TimeUnit.SECONDS);
            Map<Socket, Integer> answers = new HashMap<>();
            // The attack is in place once every slow request has a worker thread or an answer.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (answers.size() + busyThreads() < Math.min(SLOW_CLIENTS, maxThreads()) && System.nanoTime() < until) {
                collectAnswers(slow, answers);
            }

            // Requests without a body are answered meanwhile (the old server answered nothing while the drip went on).
            assertThat(get("/api/v1/model").statusCode()).isEqualTo(200);
            assertThat(get("/").statusCode()).isEqualTo(200);

            // Every slow body gets an answer: refused at once beyond the per-client limit (429), or cut off after the
            // grace period (408). Generous bound: the grace is 20 s.
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (answers.size() < SLOW_CLIENTS && System.nanoTime() < until) {
                collectAnswers(slow, answers);
            }
            assertThat(answers).hasSize(SLOW_CLIENTS);
            assertThat(answers.values()).containsOnly(429, 408);
            assertThat(answers.values().stream().filter(s -> s == 408).count()).isEqualTo(20);
            assertThat(get("/api/v1/model").statusCode()).isEqualTo(200);
        } finally {
            drip.shutdownNow();
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    /** A page (not the API) receiving a slow body: cut off with an answer, quietly (no failed error page logged). */
    @Test
    void aSlowBodyToAPageIsCutOffWithAnAnswer() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1);
            socket.getOutputStream().write(("POST /login HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\nusername=")
                    .getBytes(StandardCharsets.US_ASCII));
            Map<Socket, Integer> answers = new HashMap<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (answers.isEmpty() && System.nanoTime() < until) {
                sendOneByte(socket);
                Thread.sleep(1000); // the drip itself: one byte a second
                collectAnswers(List.of(socket), answers);
            }
            assertThat(answers.get(socket)).isEqualTo(408);
        }
        assertThat(get("/api/v1/model").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void sendOneByte(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write('a');
            out.flush();
        } catch (IOException e) {
            // Closed by the server: it answered (or gave up on) this one.
        }
    }

    /** Reads the status line of every slow request the server has answered; a closed connection without one is 0. */
    private static void collectAnswers(List<Socket> sockets, Map<Socket, Integer> answers) {
        for (Socket socket : sockets) {
            if (answers.containsKey(socket)) {
                continue;
            }
            try {
                InputStream in = socket.getInputStream();
                byte[] head = new byte[12];
                int n = in.read(head);
                if (n < 0) {
                    answers.put(socket, 0);
                } else if (n > 0) {
                    int got = n;
                    socket.setSoTimeout(5000);
                    while (got < 12 && (n = in.read(head, got, 12 - got)) > 0) {
                        got += n;
                    }
                    answers.put(socket, Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII)));
                }
            } catch (java.net.SocketTimeoutException e) {
                // Nothing yet.
            } catch (IOException e) {
                answers.put(socket, 0);
            }
        }
    }

    private Connector connector() {
        return ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
    }

    private int busyThreads() {
        return connector().getProtocolHandler().getExecutor() instanceof org.apache.tomcat.util.threads.ThreadPoolExecutor pool
                ? pool.getActiveCount() : 0;
    }

    private int maxThreads() {
        return connector().getProtocolHandler().getExecutor() instanceof org.apache.tomcat.util.threads.ThreadPoolExecutor pool
                ? pool.getMaximumPoolSize() : 200;
    }
}
