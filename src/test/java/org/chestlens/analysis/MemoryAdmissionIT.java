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
import java.nio.ByteBuffer;
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
import java.util.zip.CRC32;
import java.util.zip.Deflater;
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
        byte[] png = rgba16(SIDE, SIDE);
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

    /**
     * A 16-bit RGBA PNG, grey in bands of 50 rows (a smooth chest-like shading across), opaque; every row filtered
     * "Up", so repeated rows deflate to nearly nothing: about 1 MB for 392 MB of samples.
     */
    static byte[] rgba16(int width, int height) {
        Deflater deflater = new Deflater(1);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        byte[] previous = new byte[width * 8];
        byte[] current = new byte[width * 8];
        byte[] filtered = new byte[width * 8 + 1];
        for (int y = 0; y < height; y++) {
            int band = y / 50 * 50;
            for (int x = 0; x < width; x++) {
                int v = (int) (32768 + 20000 * Math.cos((x - width / 2.0) / width * 3) * Math.cos((band - height / 2.0) / height * 3));
                for (int c = 0; c < 3; c++) {
                    current[x * 8 + c * 2] = (byte) (v >> 8);
                    current[x * 8 + c * 2 + 1] = (byte) v;
                }
                current[x * 8 + 6] = (byte) 0xff;
                current[x * 8 + 7] = (byte) 0xff;
            }
            filtered[0] = 2; // Up
            for (int i = 0; i < current.length; i++) {
                filtered[i + 1] = (byte) (current[i] - previous[i]);
            }
            deflater.setInput(filtered);
            while (!deflater.needsInput()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
            byte[] swap = previous;
            previous = current;
            current = swap;
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 16).put((byte) 6).array());
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
