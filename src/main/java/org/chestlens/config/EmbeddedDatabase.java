package org.chestlens.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.FileSystemUtils;
import org.springframework.util.StringUtils;

/**
 * The default database: a real PostgreSQL server (zonky's embedded binaries from Maven Central),
 * started only when no {@code spring.datasource.url} is configured. Its data directory persists
 * across restarts unless {@code chestlens.embedded-db.ephemeral} is set (tests, benchmark).
 * <p>
 * It keeps PostgreSQL's durability promise: fsync and synchronous commit on (zonky starts the server with
 * {@code -F}, fsync off, and synchronous commit off: fine for throw-away test databases, not for patients'
 * studies), and every connection authenticates with a generated password kept owner-only in the data directory
 * (zonky's initdb would trust any local user as superuser). A server left running by an application that was
 * killed is stopped before the new one starts ({@link OrphanedPostmaster}).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabase.NoDatasourceUrl.class)
class EmbeddedDatabase {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    static final String SUPERUSER = "postgres";

    private static final String PASSWORD_HBA = """
            # Written by ChestLens (config.EmbeddedDatabase): every connection authenticates with the password kept,
            # owner-only, in chestlens-db-password beside this file.
            local   all             all                                     scram-sha-256
            host    all             all             127.0.0.1/32            scram-sha-256
            host    all             all             ::1/128                 scram-sha-256
            local   replication     all                                     scram-sha-256
            host    replication     all             127.0.0.1/32            scram-sha-256
            host    replication     all             ::1/128                 scram-sha-256
            """;

    // Data directories this JVM runs a server on. Another JVM's server shows as zonky's lock on epg-lock, but probing
    // that lock from the JVM that holds it would release it (POSIX locks belong to the process, not the channel).
    private static final Set<Path> RUNNING_HERE = ConcurrentHashMap.newKeySet();

    /** The running server and the password to reach it. */
    record EmbeddedServer(EmbeddedPostgres postgres, String password, Path dataDirectory, boolean ephemeral)
            implements AutoCloseable {

        String jdbcUrl() {
            return postgres.getJdbcUrl(SUPERUSER, "postgres");
        }

        @Override
        public void close() throws IOException {
            postgres.close();
            RUNNING_HERE.remove(dataDirectory.toAbsolutePath().normalize());
            if (ephemeral) {
                FileSystemUtils.deleteRecursively(dataDirectory.getParent());
            }
        }
    }

    @Bean(destroyMethod = "close")
    EmbeddedServer embeddedPostgres(@Value("${chestlens.embedded-db.data-directory}") Path dataDirectory,
                                    @Value("${chestlens.embedded-db.port:0}") int port,
                                    @Value("${chestlens.embedded-db.ephemeral:false}") boolean ephemeral,
                                    @Value("${chestlens.embedded-db.durable:true}") boolean durable,
                                    @Value("${chestlens.embedded-db.startup-timeout:120s}") Duration startupTimeout)
            throws IOException, SQLException {
        return start(ephemeral ? Files.createTempDirectory("chestlens-pg").resolve("pgdata") : dataDirectory,
                port, ephemeral, durable, startupTimeout);
    }

    static EmbeddedServer start(Path dataDirectory, int port, boolean ephemeral, boolean durable,
                                Duration startupTimeout) throws IOException, SQLException {
        Files.createDirectories(dataDirectory.getParent());
        Path key = dataDirectory.toAbsolutePath().normalize();
        if (!RUNNING_HERE.add(key)) {
            throw OrphanedPostmaster.inUse(dataDirectory);
        }
        try {
            return startOn(dataDirectory, port, ephemeral, durable, startupTimeout);
        } catch (IOException | SQLException | RuntimeException e) {
            RUNNING_HERE.remove(key);
            throw e;
        }
    }

    private static EmbeddedServer startOn(Path dataDirectory, int port, boolean ephemeral, boolean durable,
                                          Duration startupTimeout) throws IOException, SQLException {
        if (!ephemeral) {
            OrphanedPostmaster.stopIfAny(dataDirectory, startupTimeout);
        }
        boolean initialised = Files.exists(dataDirectory.resolve("postgresql.conf"));
        boolean trusting = initialised && trustsAnyone(dataDirectory);
        if (initialised && !trusting && !DatabasePassword.isKept(dataDirectory)) {
            // Without it no connection would succeed, and start-up would only time out.
            throw new IllegalStateException("The embedded database in " + dataDirectory + " needs its password, but "
                    + dataDirectory.resolve(DatabasePassword.FILE_NAME) + " is missing; restore it from a backup");
        }
        DatabasePassword password = DatabasePassword.of(dataDirectory);

        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(ephemeral)
                .setPGStartupWait(startupTimeout)
                // zonky's -F (fsync off) comes first on the command line; these -c settings come later and win.
                .setServerConfig("fsync", durable ? "on" : "off")
                .setServerConfig("full_page_writes", durable ? "on" : "off")
                // A commit is on disk before the user is told the analysis is stored (zonky's default is off).
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setConnectConfig("password", password.value());
        if (!initialised) {
            // zonky runs initdb with "-A trust"; these options come after it on initdb's command line and win.
            builder.setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig("pwfile", password.pendingFile().toString());
        }
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder.start();
        EmbeddedServer server = new EmbeddedServer(postgres, password.value(), dataDirectory, ephemeral);
        try {
            if (trusting) {
                requirePassword(server);
            }
            password.store();
        } catch (IOException | SQLException | RuntimeException e) {
            server.close();
            throw e;
        }
        log.info("Embedded PostgreSQL listening on localhost:{} ({}; {})", postgres.getPort(),
                ephemeral ? "ephemeral data" : "data in " + dataDirectory,
                durable ? "fsync and synchronous commit on" : "fsync OFF: for throw-away test data only");
        return server;
    }

    /** A data directory made before ChestLens set a password: its pg_hba.conf lets every local user in. */
    private static boolean trustsAnyone(Path dataDirectory) throws IOException {
        return Files.readAllLines(dataDirectory.resolve("pg_hba.conf"), StandardCharsets.UTF_8).stream()
                .map(line -> line.replaceFirst("#.*", "").strip())
                .filter(line -> !line.isEmpty())
                .anyMatch(line -> Arrays.asList(line.split("\\s+")).contains("trust"));
    }

    /** Sets the superuser's password while trust still lets us in, then makes every connection use it. */
    private static void requirePassword(EmbeddedServer server) throws IOException, SQLException {
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), SUPERUSER, server.password());
             Statement statement = connection.createStatement()) {
            statement.execute("SET password_encryption = 'scram-sha-256'");
            statement.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + server.password() + "'");
            Files.writeString(server.dataDirectory().resolve("pg_hba.conf"), PASSWORD_HBA, StandardCharsets.UTF_8);
            statement.execute("SELECT pg_reload_conf()");
        }
        log.info("Embedded PostgreSQL in {} now requires a password (it trusted every local user before)",
                server.dataDirectory());
    }

    @Bean
    DataSource dataSource(EmbeddedServer server) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(server.jdbcUrl());
        dataSource.setUsername(SUPERUSER);
        dataSource.setPassword(server.password());
        dataSource.setMaximumPoolSize(10);
        dataSource.setPoolName("chestlens-embedded");
        // A batch of inserts (an analysis' findings) travels as one multi-row insert.
        dataSource.addDataSourceProperty("reWriteBatchedInserts", "true");
        return dataSource;
    }

    static class NoDatasourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
        }
    }
}
