package org.chestlens.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.chestlens.imaging.HostileFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Six 7000 x 7000 16-bit RGBA PNGs at once (49 megapixels, under the 50 MP limit) against the packaged jar in its
 * own JVM with a small heap (768 MB): each is analysed (201) or told "busy, try again" (503 with Retry-After), none
 * is called damaged. Before the memory admission, 1-5 of six came back 422 "truncated or damaged": ImageIO's 392 MB
 * raster per image ran the heap out and ImageIO reported the OutOfMemoryError as a read error.
 */
class MemoryAdmissionIT {

    private static final int SIDE = 7000;

    private static Process app;
    private static Path home;
    private static int port;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startThePackagedJarWithASmallHeap() throws Exception {
        Path jar = Path.of(System.getProperty("chestlens.it.jar", "target/chestlens.jar"));
        assumeTrue(Files.isRegularFile(jar), "the packaged jar (mvn package) is needed");
        home = Files.createTempDirectory("chestlens-memory-it");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-Duser.home=" + home, "-jar", jar.toAbsolutePath().toString());
        builder.environment().put("PORT", String.valueOf(port));
        builder.environment().put("CHESTLENS_DATA_DIR", home.resolve("data").toString());
        builder.environment().put("CHESTLENS_MODELS_DIR", Path.of("src/test/resources/onnx/models").toAbsolutePath().toString());
        builder.environment().put("OPT_OUT_TRACKING", "true");
        builder.redirectErrorStream(true).redirectOutput(new File("target/memory-admission-it.log"));
        app = builder.start();
        // Up when the API answers; a busy CI machine may need a few minutes for a cold start.
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < until && app.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(uri("/api/v1/model")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            app.waitFor(1, TimeUnit.SECONDS);
        }
        throw new IllegalStateException("the jar did not start; see target/memory-admission-it.log");
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.destroy();
            if (!app.waitFor(60, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor();
            }
        }
        if (home != null) {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void sixLargeUploadsAtOnceAreAnalysedOrToldToRetryNeverCalledDamaged() throws Exception {
        byte[] png = HostileFiles.bandedRgba16Png(SIDE, SIDE);
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                replies.add(clients.submit(() -> upload(png)));
            }
            int analysed = 0;
            for (Future<HttpResponse<String>> future : replies) {
                HttpResponse<String> reply = future.get(10, TimeUnit.MINUTES);
                assertThat(reply.statusCode()).as(reply.body()).isIn(201, 503);
                if (reply.statusCode() == 503) {
                    assertThat(reply.body()).contains("\"code\":\"busy\"").contains("try again");
                    assertThat(reply.headers().firstValue("Retry-After")).isPresent();
                } else {
                    analysed++;
                }
            }
            assertThat(analysed).as("at least the first one is analysed").isPositive();
        } finally {
            clients.shutdownNow();
        }
        // And alone, with nothing else running, it is analysed.
        assertThat(upload(png).statusCode()).isEqualTo(201);
        assertThat(http.send(HttpRequest.newBuilder(uri("/api/v1/model")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> upload(byte[] png) throws Exception {
        String boundary = "memory-admission";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(png);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return http.send(HttpRequest.newBuilder(uri("/api/v1/analyses")).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
