package org.chestlens.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.chestlens.imaging.PngEncoder;

/**
 * {@code load}: uploads X-rays to a running ChestLens (one node or the balancer in front of several) through the REST
 * API from several clients at once, and reports throughput and latency as the clients saw them. Unlike
 * {@code benchmark} it measures the whole service: HTTP, the balancer, the nodes, the shared PostgreSQL.
 * <pre>{@code load --url http://127.0.0.1:8080 [--clients 8] [--n 200] [--warmup 16] [--images DIR] [--token T]}</pre>
 */
public final class LoadCommand {

    /** One upload as the client saw it: HTTP status (0: no answer), the analysis id when acknowledged (201). */
    public record Upload(int index, String fileName, int status, String publicId, double millis, String error) {
        public boolean acknowledged() {
            return status == 201 && publicId != null;
        }
    }

    /** What a run measured. */
    public record Report(List<Upload> uploads, double wallSeconds) {

        public long acknowledged() {
            return uploads.stream().filter(Upload::acknowledged).count();
        }

        public double throughputPerSecond() {
            return acknowledged() / wallSeconds;
        }

        /** Latency percentile (0-100) of the acknowledged uploads, in milliseconds. */
        public double percentileMillis(double p) {
            double[] ms = uploads.stream().filter(Upload::acknowledged).mapToDouble(Upload::millis).sorted().toArray();
            if (ms.length == 0) {
                return Double.NaN;
            }
            int nearestRank = (int) Math.ceil(p / 100.0 * ms.length);
            return ms[Math.max(0, Math.min(ms.length, nearestRank) - 1)];
        }

        public Map<String, Integer> outcomes() {
            Map<String, Integer> out = new TreeMap<>();
            uploads.forEach(u -> out.merge(u.status() == 0 ? "no answer" : String.valueOf(u.status()), 1, Integer::sum));
            return out;
        }
    }

    private LoadCommand() {
    }

    static int run(Commands.Arguments args) {
        URI base = URI.create(args.required("url").replaceAll("/+$", ""));
        int clients = args.intValue("clients", 8);
        int n = args.intValue("n", 200);
        int warmup = args.intValue("warmup", 16);
        List<byte[]> images = args.value("images").map(d -> images(Path.of(d))).orElseGet(LoadCommand::phantoms);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("No PNG, JPEG or DICOM images found");
        }
        String token = args.value("token").orElse(null);
        System.out.printf(Locale.ROOT, "Load on %s: %d clients, %d warm-up + %d uploads of %d image(s)%n", base, clients,
                warmup, n, images.size());
        uploads(base, images, clients, warmup, "warmup", token);
        Report report = uploads(base, images, clients, n, "load", token);
        System.out.printf(Locale.ROOT, "acknowledged %d of %d in %.1f s: %.1f uploads/s; latency p50 %.0f ms, p95 %.0f ms,"
                        + " p99 %.0f ms, max %.0f ms; outcomes %s%n", report.acknowledged(), n, report.wallSeconds(),
                report.throughputPerSecond(), report.percentileMillis(50), report.percentileMillis(95),
                report.percentileMillis(99), report.percentileMillis(100), report.outcomes());
        return report.acknowledged() == n ? 0 : 1;
    }

    /**
     * Sends {@code n} uploads from {@code clients} threads (each waits for its answer before sending the next), named
     * {@code <prefix>-<run>-<index>.png} so that each can be found in the database afterwards. Never retries: an upload
     * without an answer is reported as such.
     */
    public static Report uploads(URI base, List<byte[]> images, int clients, int n, String prefix, String token) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        String run = UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger next = new AtomicInteger();
        Upload[] results = new Upload[n];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        results[i] = upload(http, base, i, prefix + "-" + run + "-" + i + ".png", images.get(i % images.size()), token);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Report(List.of(results), (System.nanoTime() - start) / 1e9);
    }

    private static Upload upload(HttpClient http, URI base, int index, String fileName, byte[] image, String token) {
        String boundary = "chestlens-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/v1/analyses"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, image, tail)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long t = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            double millis = (System.nanoTime() - t) / 1e6;
            String id = response.headers().firstValue("Location").map(l -> l.substring(l.lastIndexOf('/') + 1)).orElse(null);
            return new Upload(index, fileName, response.statusCode(), response.statusCode() == 201 ? id : null, millis,
                    response.statusCode() == 201 ? null : abbreviate(response.body()));
        } catch (IOException e) {
            return new Upload(index, fileName, 0, null, (System.nanoTime() - t) / 1e6, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Upload(index, fileName, 0, null, (System.nanoTime() - t) / 1e6, e.toString());
        }
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 200 ? body : body.substring(0, 200);
    }

    /** Four 1024 x 1024 chest-like PNGs, as {@code benchmark} uses without {@code --images}. */
    public static List<byte[]> phantoms() {
        List<byte[]> out = new ArrayList<>();
        for (int seed = 1; seed <= 4; seed++) {
            out.add(PngEncoder.grey(Benchmark.phantom(1024, 1024, seed), 6));
        }
        return out;
    }

    private static List<byte[]> images(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> Arrays.asList("png", "jpg", "jpeg", "dcm").contains(extension(f)))
                    .sorted().limit(64).map(f -> {
                        try {
                            return Files.readAllBytes(f);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the images: " + e.getMessage());
        }
    }

    private static String extension(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    }
}
