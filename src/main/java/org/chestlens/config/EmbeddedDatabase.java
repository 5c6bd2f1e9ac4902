package org.chestlens.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.springframework.util.StringUtils;

/**
 * The default database: a real PostgreSQL server (zonky's embedded binaries from Maven Central),
 * started only when no {@code spring.datasource.url} is configured. Its data directory persists
 * across restarts unless {@code chestlens.embedded-db.ephemeral} is set (tests).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabase.NoDatasourceUrl.class)
class EmbeddedDatabase {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(@Value("${chestlens.embedded-db.data-directory}") Path dataDirectory,
                                      @Value("${chestlens.embedded-db.port:0}") int port,
                                      @Value("${chestlens.embedded-db.ephemeral:false}") boolean ephemeral) throws IOException {
        // The library turns synchronous_commit off (fast throw-away test databases); ours holds patients' studies,
        // and a commit must be on disk before the user is told the analysis is stored. Tests and the benchmark run
        // with the same setting, so their timings are what the app does.
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on");
        if (port > 0) {
            builder.setPort(port);
        }
        if (!ephemeral) {
            Files.createDirectories(dataDirectory.getParent());
            builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
        }
        EmbeddedPostgres postgres = builder.start();
        log.info("Embedded PostgreSQL listening on port {} ({})", postgres.getPort(),
                ephemeral ? "ephemeral data" : "data in " + dataDirectory);
        return postgres;
    }

    @Bean
    DataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
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
