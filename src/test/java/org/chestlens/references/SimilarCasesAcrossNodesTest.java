package org.chestlens.references;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.chestlens.analysis.AnalysisEmbedding;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.imaging.TestImages;
import org.chestlens.inference.InferenceEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Two similar-case indexes on one PostgreSQL, as on two nodes: the application's, changed through the services,
 * and a second, independent {@link SimilarCases} ("the other node") that learns of the changes only from the change
 * sequence it polls. Its index is loaded before the changes, so they must reach it without a reload. Waits are
 * bounded (a busy machine may take a while) and end as soon as the change has arrived.
 */
@SpringBootTest
@AutoConfigureMockMvc
class SimilarCasesAcrossNodesTest {

    private static final byte[] PHANTOM = TestImages.png(TestImages.phantomChest(300, 260, 5));
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    AnalysisService service;
    @Autowired
    ReferenceLibrary library;
    @Autowired
    InferenceEngine engine;
    @Autowired
    ReferenceCaseRepository references;
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ApplicationContext context;

    private final String prefix = "nodes-" + System.nanoTime() + "/";
    private SimilarCases otherNode;

    @BeforeEach
    void startTheOtherNode() {
        otherNode = new SimilarCases(engine, references, service, dataSource, transactions, Clock.systemUTC(),
                new SimpleMeterRegistry(), Duration.ofMillis(200), Duration.ofDays(1),
                SimilarityIndex.DEFAULT_PARTITION_FROM, SimilarityIndex.DEFAULT_NPROBE);
    }

    @AfterEach
    void stopTheOtherNode() {
        otherNode.destroy();
        TestReferences.remove(context, prefix);
    }

    @Test
    void importsConfirmationsDeletionsAndClearingOnOneNodeReachTheOtherNodesIndex(@TempDir Path folder) throws IOException {
        long dave = account("dave");
        AnalysisResult query = service.analyse(AnalysisRequest.of(PHANTOM, "q.png").withOwner(dave));
        assertThat(otherNode.find(query.publicId(), Optional.of(dave), 10))
                .noneSatisfy(c -> assertThat(c.similarity()).isGreaterThan(0.9999));
        long loadedAt = otherNode.lastChange();

        // A reference imported on this node.
        Files.createDirectories(folder.resolve(prefix));
        Files.write(folder.resolve(prefix + "same.png"), PHANTOM);
        Files.writeString(folder.resolve("index.csv"), "path,Pneumonia\n" + prefix + "same.png,1\n");
        assertThat(library.importFolder(folder, Optional.empty(), 0).imported()).isEqualTo(1);
        long referenceId = referenceId();
        eventually("the imported reference reaches the other node", () -> otherNode.indexes(SimilarCase.Source.REFERENCE, referenceId));
        assertThat(otherNode.lastChange()).as("followed the change sequence, not reloaded").isGreaterThan(loadedAt);
        assertThat(otherNode.find(query.publicId(), Optional.of(dave), 1)).singleElement().satisfies(c -> {
            assertThat(c.source()).isEqualTo(SimilarCase.Source.REFERENCE);
            assertThat(c.id()).isEqualTo(String.valueOf(referenceId));
            assertThat(c.findings()).containsExactly("pneumonia");
        });

        // An analysis confirmed on this node is found on the other, for its owner only.
        AnalysisResult confirmed = service.analyse(AnalysisRequest.of(PHANTOM, "c.png").withOwner(dave));
        long confirmedId = internalId(confirmed.publicId(), dave);
        assertThat(service.confirmFindings(confirmed.publicId(), dave, Set.of("effusion"))).isTrue();
        eventually("the confirmed case reaches the other node", () -> otherNode.indexes(SimilarCase.Source.OWN_ANALYSIS, confirmedId));
        assertThat(otherNode.find(query.publicId(), Optional.of(dave), 10)).anySatisfy(c -> {
            assertThat(c.source()).isEqualTo(SimilarCase.Source.OWN_ANALYSIS);
            assertThat(c.id()).isEqualTo(confirmed.publicId());
            assertThat(c.findings()).containsExactly("effusion");
        });

        // Deleted there: it leaves the other node's index too.
        assertThat(service.delete(confirmed.publicId(), Optional.of(dave))).isTrue();
        eventually("the deleted case leaves the other node", () -> !otherNode.indexes(SimilarCase.Source.OWN_ANALYSIS, confirmedId));

        // Re-importing the path replaces the case (new id): the old one leaves, the new one arrives.
        assertThat(library.importFolder(folder, Optional.empty(), 0).imported()).isEqualTo(1);
        long reimportedId = referenceId();
        assertThat(reimportedId).isNotEqualTo(referenceId);
        eventually("the re-imported reference replaces the old one on the other node",
                () -> otherNode.indexes(SimilarCase.Source.REFERENCE, reimportedId)
                        && !otherNode.indexes(SimilarCase.Source.REFERENCE, referenceId));

        // Clearing the library on this node empties both indexes of references.
        library.clear();
        eventually("clearing reaches the other node", () -> !otherNode.indexes(SimilarCase.Source.REFERENCE, reimportedId));
        assertThat(otherNode.find(query.publicId(), Optional.of(dave), 10))
                .noneSatisfy(c -> assertThat(c.source()).isEqualTo(SimilarCase.Source.REFERENCE));
        assertThat(context.getBean(SimilarCases.class).indexes(SimilarCase.Source.REFERENCE, reimportedId)).isFalse();
    }

    @Test
    void catchingUpReadsAManyChangesInPages() {
        long dave = account("dave");
        AnalysisResult query = service.analyse(AnalysisRequest.of(PHANTOM, "q.png").withOwner(dave));
        otherNode.find(query.publicId(), Optional.of(dave), 1);
        // Changes of cases that no longer exist (e.g. a large library imported and cleared meanwhile).
        jdbc.update("insert into similar_case_change (kind, item) select 'R', -g from generate_series(1, ?) g",
                SimilarCases.PAGE * 2 + 500);
        long last = jdbc.queryForObject("select max(id) from similar_case_change", Long.class);
        otherNode.catchUp();
        assertThat(otherNode.lastChange()).isGreaterThanOrEqualTo(last);
    }

    private long referenceId() {
        List<Long> ids = jdbc.queryForList("select id from reference_case where source_path like ?", Long.class, prefix + "%");
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }

    private long internalId(String publicId, long owner) {
        return service.embedding(publicId, Optional.of(owner)).map(AnalysisEmbedding::id).orElseThrow();
    }

    private static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + WAIT.toSeconds() + " s").isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private long account(String name) {
        return jdbc.queryForObject("insert into account (email, display_name, password_hash) values (?, ?, 'x') returning id",
                Long.class, name + System.nanoTime() + "@example.org", name);
    }
}
