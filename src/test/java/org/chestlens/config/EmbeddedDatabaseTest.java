package org.chestlens.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.chestlens.LogCapture;
import org.chestlens.config.EmbeddedDatabase.EmbeddedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL as the application starts it on a persistent data directory: PostgreSQL's durability
 * settings, password authentication, and a clean first start after the application was killed with its server
 * left running.
 */
class EmbeddedDatabaseTest {

    private static final Duration STARTUP = Duration.ofSeconds(120);

    @TempDir
    Path folder;

    @Test
    void theServerRunsWithFsyncAndSynchronousCommitOn() throws Exception {
        try (EmbeddedServer server = EmbeddedDatabase.start(folder.resolve("pgdata"), 0, false, true, STARTUP);
             Connection connection = connect(server, server.password())) {
            assertThat(setting(connection, "fsync")).isEqualTo("on");
            assertThat(setting(connection, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(connection, "full_page_writes")).isEqualTo("on");
            assertThat(setting(connection, "listen_addresses")).isEqualTo("localhost");
        }
    }

    @Test
    void everyConnectionNeedsThePasswordKeptOwnerOnlyInTheDataDirectory() throws Exception {
        Path data = folder.resolve("pgdata");
        try (EmbeddedServer server = EmbeddedDatabase.start(data, 0, false, true, STARTUP)) {
            Path file = data.resolve(DatabasePassword.FILE_NAME);
            assertThat(Files.readString(file).strip()).isEqualTo(server.password()).hasSizeGreaterThanOrEqualTo(40);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(Files.exists(data.resolveSibling("pgdata.password-pending"))).isFalse();

            assertThatThrownBy(() -> connect(server, "")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> connect(server, "postgres")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            try (Connection connection = connect(server, server.password())) {
                assertThat(setting(connection, "password_encryption")).isEqualTo("scram-sha-256");
            }
        }
        // The next start finds the same password, and the data.
        try (EmbeddedServer again = EmbeddedDatabase.start(data, 0, false, true, STARTUP);
             Connection connection = connect(again, again.password())) {
            assertThat(again.password()).isEqualTo(Files.readString(data.resolve(DatabasePassword.FILE_NAME)).strip());
        }
    }

    @Test
    void aMissingPasswordFileIsSaidAtOnceInsteadOfTimingOut() throws Exception {
        Path data = folder.resolve("pgdata");
        try (EmbeddedServer server = EmbeddedDatabase.start(data, 0, false, true, STARTUP)) {
            assertThat(server.password()).isNotEmpty();
        }
        Files.delete(data.resolve(DatabasePassword.FILE_NAME));
        assertThatThrownBy(() -> EmbeddedDatabase.start(data, 0, false, true, STARTUP))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(DatabasePassword.FILE_NAME + " is missing");
    }

    @Test
    void aDataDirectoryThatTrustedEveryLocalUserIsSwitchedToThePassword() throws Exception {
        Path data = folder.resolve("pgdata");
        // As the earlier versions made it: zonky's own initdb (trust) and a row of data.
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
             Connection connection = old.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from before')");
        }
        try (EmbeddedServer server = EmbeddedDatabase.start(data, 0, false, true, STARTUP)) {
            assertThatThrownBy(() -> connect(server, "")).isInstanceOf(SQLException.class);
            try (Connection connection = connect(server, server.password());
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT v FROM kept")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("from before");
            }
            assertThat(Files.readString(data.resolve("pg_hba.conf"))).doesNotContain(" trust");
        }
    }

    @Test
    void afterTheApplicationIsKilledTheFirstStartStopsItsLeftoverServerAndServesTheCommittedData() throws Exception {
        Path data = folder.resolve("pgdata");
        // A child JVM starts the server, commits a row, says so, and is killed with SIGKILL (kill -9).
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledApplication.class.getName(), data.toString())
                .redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                if (line.equals("COMMITTED")) {
                    break;
                }
            }
            assertThat(output).as("child output").contains("COMMITTED");
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        ProcessHandle orphan = ProcessHandle.of(pid).orElseThrow();
        assertThat(orphan.isAlive()).as("the server outlives its application").isTrue();

        try (LogCapture log = LogCapture.of(OrphanedPostmaster.class);
             EmbeddedServer server = EmbeddedDatabase.start(data, 0, false, true, STARTUP);
             Connection connection = connect(server, server.password());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT v FROM acknowledged")) {
            assertThat(log.lines(Level.WARN)).anyMatch(line -> line.contains("still running on " + data));
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("stored before the kill");
            // The old server has stopped (it may take a moment to be reaped after removing its pid file).
            orphan.onExit().get(60, TimeUnit.SECONDS);
            assertThat(orphan.isAlive()).isFalse();
        }
    }

    @Test
    void aSecondStartOnADataDirectoryInUseIsRefusedAndLeavesTheRunningServerAlone() throws Exception {
        Path data = folder.resolve("pgdata");
        try (EmbeddedServer server = EmbeddedDatabase.start(data, 0, false, true, STARTUP)) {
            assertThatThrownBy(() -> EmbeddedDatabase.start(data, 0, false, true, STARTUP))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
            try (Connection connection = connect(server, server.password())) {
                assertThat(connection.isValid(5)).isTrue();
            }
        }
    }

    private static Connection connect(EmbeddedServer server, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + server.postgres().getPort() + "/postgres",
                EmbeddedDatabase.SUPERUSER, password);
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SHOW " + name)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** The application in a child JVM: starts the server, commits a row, and waits to be killed. */
    public static final class KilledApplication {
        public static void main(String[] args) throws Exception {
            EmbeddedServer server = EmbeddedDatabase.start(Path.of(args[0]), 0, false, true, STARTUP);
            try (Connection connection = connect(server, server.password());
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE acknowledged (v text); INSERT INTO acknowledged VALUES ('stored before the kill')");
            }
            System.out.println("COMMITTED");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
