package org.chestlens.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.chestlens.PackagedApp;
import org.chestlens.imaging.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The packaged jar ({@link PackagedApp}) as an operator runs it, on the default embedded database: uploads from
 * several clients, then {@code kill -9} of the JVM in the middle of them (its PostgreSQL survives as an orphan), then
 * a restart on the same data. The first start must come up and serve every analysis acknowledged with 201 before the
 * kill.
 * The tiny test models keep starts short; {@code -Dchestlens.it.jar=old.jar} runs it on another build.
 */
class CrashRestartIT {

    private static final int CLIENTS = 4;
    private static final int ACKNOWLEDGED_BEFORE_KILL = 12;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private PackagedApp app;
    private Path folder;

    @AfterEach
    void cleanUp() throws Exception {
        if (app != null) {
            app.close();
        }
        if (folder != null) {
            // Whatever the outcome, leave no server running on the throw-away data.
            Path pidFile = folder.resolve("data/pgdata/postmaster.pid");
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
                ProcessHandle.of(pid).ifPresent(p -> {
                    try {
                        new ProcessBuilder("kill", "-s", "INT", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
                        p.onExit().get(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        p.destroyForcibly();
                    }
                });
            }
            FileSystemUtils.deleteRecursively(folder);
        }
    }

    @Test
    void afterKillMinus9TheFirstRestartServesEveryAcknowledgedAnalysis() throws Exception {
        app = new PackagedApp("crash-restart");
        folder = Files.createTempDirectory("chestlens-crash");
        Map<String, String> env = Map.of("CHESTLENS_DATA_DIR", folder.resolve("data").toString());

        int port = PackagedApp.freePort();
        Process first = app.start("first", folder, port, env);
        app.awaitReady("first", first, port);

        // Several clients upload until the JVM is killed under them; only 201s count as acknowledged.
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        CountDownLatch enough = new CountDownLatch(ACKNOWLEDGED_BEFORE_KILL);
        ExecutorService clients = uploadWhileAlive(first, port, acknowledged, enough);
        assertThat(enough.await(PackagedApp.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("uploads acknowledged").isTrue();
        first.destroyForcibly(); // SIGKILL: no shutdown hook runs, PostgreSQL is left running
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        clients.shutdownNow();
        assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        Set<String> acknowledgedBeforeKill = Set.copyOf(acknowledged);

        Path pidFile = folder.resolve("data/pgdata/postmaster.pid");
        long orphanPid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
        ProcessHandle orphan = ProcessHandle.of(orphanPid).orElseThrow();
        assertThat(orphan.isAlive()).as("PostgreSQL outlived the killed application").isTrue();

        // The first start on the same data comes up.
        int secondPort = PackagedApp.freePort();
        Process second = app.start("second", folder, secondPort, env);
        app.awaitReady("second", second, secondPort);
        assertThat(orphan.isAlive()).as("the orphaned server was stopped").isFalse();

        for (String id : acknowledgedBeforeKill) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + secondPort + "/api/v1/analyses/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("analysis %s", id).isEqualTo(200);
            JsonNode analysis = json.readTree(response.body());
            assertThat(analysis.get("id").asText()).isEqualTo(id);
            assertThat(analysis.get("status").asText()).isEqualTo("COMPLETED");
            assertThat(analysis.get("findings").size()).isPositive();
        }

        // The restarted server keeps PostgreSQL's durability settings and wants the password from the data directory.
        List<String> pidLines = Files.readAllLines(pidFile);
        String url = "jdbc:postgresql://localhost:" + pidLines.get(3).strip() + "/postgres";
        String password = Files.readString(folder.resolve("data/pgdata/" + DatabasePassword.FILE_NAME)).strip();
        try (Connection connection = DriverManager.getConnection(url, "postgres", password)) {
            assertThat(show(connection, "fsync")).isEqualTo("on");
            assertThat(show(connection, "synchronous_commit")).isEqualTo("on");
        }
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).isInstanceOf(SQLException.class);

        // A normal stop takes its server down with it.
        second.destroy();
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.exists(pidFile)).as("PostgreSQL stopped with the application").isFalse();
        System.out.printf("CrashRestartIT: %d analyses acknowledged before kill -9, all served after the first restart%n",
                acknowledgedBeforeKill.size());
    }

    /**
     * A normal stop (SIGTERM, as systemd or Ctrl-C send) on a first start, while the default reference library is
     * loading in the background and clients upload: the work in progress finishes, PostgreSQL stops after it, the JVM
     * exits as a stopped JVM does (143) and logs no ERROR. Before, the embedded PostgreSQL's own JVM shutdown hook (and
     * ONNX Runtime's, which frees its native environment) ran beside Spring's orderly close: the import lost its
     * database mid-batch (six ERROR lines: connections refused, the job's completion and heartbeats failed), and an
     * analysis still running when ONNX Runtime's hook ran could crash the JVM in native code (SIGSEGV, seen by hand).
     */
    @Test
    void aStopDuringTheFirstLibraryLoadAndUploadsFinishesTheWorkThenStopsTheDatabaseWithoutErrors() throws Exception {
        app = new PackagedApp("orderly-stop");
        folder = Files.createTempDirectory("chestlens-stop");
        // The release models: the default library is loaded with them on the first start (tens of seconds of
        // inference in a background job), which the stop meets.
        Map<String, String> env = Map.of("CHESTLENS_DATA_DIR", folder.resolve("data").toString(),
                "CHESTLENS_MODELS_DIR", Path.of("models").toAbsolutePath().toString());
        int port = PackagedApp.freePort();
        Process node = app.start("first", folder, port, env);
        app.awaitReady("first", node, port);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        CountDownLatch enough = new CountDownLatch(CLIENTS);
        ExecutorService clients = uploadWhileAlive(node, port, acknowledged, enough);
        assertThat(enough.await(PackagedApp.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("uploads acknowledged").isTrue();
        String log = Files.readString(app.log("first"));
        assertThat(log).as("the default library is loading").contains("loading the default library")
                .doesNotContain("cases imported from the default library");

        node.destroy(); // SIGTERM
        assertThat(node.waitFor(180, TimeUnit.SECONDS)).as("stopped").isTrue();
        clients.shutdown();
        assertThat(clients.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
        log = Files.readString(app.log("first"));
        assertThat(log.lines().filter(l -> l.contains(" ERROR ") || l.contains("A fatal error"))
                .map(l -> l.substring(0, Math.min(l.length(), 300)))).as("errors while stopping").isEmpty();
        try (var files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no JVM crash report").noneMatch(f -> f.startsWith("hs_err"));
        }
        assertThat(node.exitValue()).as("exit status of a JVM stopped by SIGTERM").isEqualTo(143);
        assertThat(Files.exists(folder.resolve("data/pgdata/postmaster.pid"))).as("PostgreSQL stopped with it").isFalse();

        // The next start serves every upload answered 201, and finds the library loaded (or goes on loading it).
        int secondPort = PackagedApp.freePort();
        Process second = app.start("second", folder, secondPort, env);
        app.awaitReady("second", second, secondPort);
        for (String id : acknowledged) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + secondPort + "/api/v1/analyses/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("analysis %s", id).isEqualTo(200);
        }
        second.destroy();
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        System.out.printf("CrashRestartIT: stopped during the library load with %d analyses acknowledged, all served"
                + " afterwards; the stop %s the load%n", acknowledged.size(),
                log.contains("cases imported from the default library") ? "finished" : "interrupted");
    }

    /** {@value #CLIENTS} clients uploading until the server is gone; each 201 is kept and counted down. */
    private ExecutorService uploadWhileAlive(Process server, int port, Set<String> acknowledged, CountDownLatch counted) {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            long seed = c;
            clients.submit(() -> {
                byte[] png = TestImages.png(TestImages.phantomChest(320, 300, seed));
                while (server.isAlive() && !Thread.currentThread().isInterrupted()) {
                    try {
                        HttpResponse<String> response = upload(port, png);
                        if (response.statusCode() == 201) {
                            acknowledged.add(json.readTree(response.body()).get("id").asText());
                            counted.countDown();
                        }
                    } catch (IOException e) {
                        return; // the server is gone
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        return clients;
    }

    private HttpResponse<String> upload(int port, byte[] png) throws IOException, InterruptedException {
        String boundary = "chestlens-crash-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chest.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.write(png);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/analyses"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SHOW " + setting)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
