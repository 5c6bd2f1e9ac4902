package org.chestlens;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The packaged jar run as an operator runs it: child JVMs ({@code java -jar}) with their own environment, each
 * with a log file, on the tiny test models. The jar is {@code target/chestlens.jar} (built by {@code package}, before
 * failsafe runs); another can be named with {@code -Dchestlens.it.jar=...}, e.g. an older build to see a test fail.
 * Closing stops (SIGKILL) whatever is still running.
 */
public final class PackagedApp implements AutoCloseable {

    public static final Duration START_TIMEOUT = Duration.ofSeconds(300);

    private final Path jar;
    private final Path logs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<Process> started = new ArrayList<>();

    /** Skips the test when the jar has not been built (a plain {@code test} run). */
    public PackagedApp(String logFolder) throws IOException {
        jar = Path.of(System.getProperty("chestlens.it.jar", "target/chestlens.jar")).toAbsolutePath();
        Assumptions.assumeTrue(Files.isRegularFile(jar), "needs the packaged jar: ./mvnw -B verify builds it first");
        logs = Files.createDirectories(Path.of("target", logFolder));
    }

    /**
     * Starts {@code java -jar} in {@code workDir} on {@code port}, with {@code user.home} in the work folder and no
     * SPRING_* / CHESTLENS_* variables inherited, plus {@code env}. Output goes to {@code target/<logFolder>/<name>.log}.
     */
    public Process start(String name, Path workDir, int port, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-Duser.home=" + workDir.resolve("home"), "-jar", jar.toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log(name).toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("CHESTLENS_"));
        environment.put("OPT_OUT_TRACKING", "true");
        environment.put("PORT", Integer.toString(port));
        environment.put("CHESTLENS_MODELS_DIR", Path.of("src/test/resources/onnx/models").toAbsolutePath().toString());
        environment.putAll(env);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** Polls the model endpoint until the application answers; fails at once if the process exits. */
    public void awaitReady(String name, Process process, int port) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpRequest model = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/model"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the application exited during start-up (exit " + process.exitValue()
                        + "); its log " + log(name) + " ends:\n" + tail(name));
            }
            try {
                if (http.send(model, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            process.waitFor(500, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("not ready within " + START_TIMEOUT + "; log " + log(name) + " ends:\n" + tail(name));
    }

    public Path log(String name) {
        return logs.resolve(name + ".log");
    }

    public String tail(String name) throws IOException {
        List<String> lines = Files.readAllLines(log(name));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
