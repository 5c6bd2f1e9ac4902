package org.chestlens.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The application started as an operator would, in its own JVM, with an administrator password the policy
 * refuses: it exits non-zero and says in one line which variable is wrong and why, without a stack trace.
 */
class AdminBootstrapIT {

    @Test
    void aRefusedAdministratorPasswordStopsTheStartWithOneClearLine() throws Exception {
        Path home = Files.createTempDirectory("chestlens-home");
        Path output = home.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-Djava.awt.headless=true", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "org.chestlens.ChestLensApplication"))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("CHESTLENS_ADMIN_EMAIL", "admin@example.org");
        builder.environment().put("CHESTLENS_ADMIN_PASSWORD", "short");
        builder.environment().put("PORT", "0");
        builder.environment().put("OPT_OUT_TRACKING", "true");
        // No models: the application starts without them (analyses refused), and loading them would only slow this down.
        builder.environment().put("CHESTLENS_MODELS_DIR", Files.createDirectories(home.resolve("no-models")).toString());
        builder.environment().remove("SPRING_DATASOURCE_URL");
        Process process = builder.start();
        // A bound for a hung start, not a speed check: a start that never ends fails here instead of hanging the build.
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("the application stopped by itself").isTrue();
        String log = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(log).isNotZero();
        assertThat(log).contains("CHESTLENS_ADMIN_PASSWORD is refused: Use at least 10 characters.");
        assertThat(log.lines().filter(line -> line.startsWith("\tat ") || line.contains("Exception in thread")))
                .as("stack trace lines").isEmpty();
    }
}
