package org.chestlens.references;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.chestlens.imaging.TestImages;
import org.chestlens.operations.NodeName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The reference import as a durable job on the application's own db-scheduler and PostgreSQL: started here it runs
 * as a job whose progress any node can read; left behind by a node that died after committing some batches, it is
 * taken over (db-scheduler revives the execution once the dead node's heartbeat is missed) and goes on after the
 * last committed batch, without importing any case twice.
 */
@SpringBootTest
@AutoConfigureMockMvc
class ReferenceImportJobTest {

    @Autowired
    ReferenceLibrary library;
    @Autowired
    SchedulerClient scheduler;
    @Autowired
    NodeName node;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ApplicationContext context;
    @TempDir
    Path folder;

    private final String prefix = "job-" + System.nanoTime() + "/";

    @AfterEach
    void removeImportedCases() {
        jdbc.update("delete from scheduled_tasks where task_name = ?", ReferenceLibrary.IMPORT_TASK);
        TestReferences.remove(context, prefix);
    }

    @Test
    void anImportStartedHereRunsAsAJobAndReportsItsProgressInPostgresql() throws Exception {
        writeLibrary(20);
        List<int[]> seen = new ArrayList<>();
        ReferenceLibrary.ImportReport report = library.startImport(folder, Optional.empty(), 0, "folder " + folder,
                Optional.empty(), (done, total) -> seen.add(new int[] {done, total})).get(5, TimeUnit.MINUTES);
        assertThat(report.imported()).isEqualTo(20);
        assertThat(seen).isNotEmpty().allSatisfy(p -> assertThat(p[1]).isEqualTo(20));
        ReferenceLibrary.ImportStatus status = lastImport();
        assertThat(status.status()).isEqualTo("DONE");
        assertThat(status.done()).isEqualTo(20);
        assertThat(status.node()).contains(node.value());
        assertThat(status.message()).hasValueSatisfying(m -> assertThat(m).startsWith("Imported 20 reference cases"));
        assertThat(library.busy()).as("the job's execution is gone once it finished").isFalse();
        assertThat(cases()).hasSize(20);
    }

    @Test
    void anImportWhoseNodeDiedIsTakenOverAndGoesOnAfterItsLastCommittedBatch() throws Exception {
        writeLibrary(40); // three batches of 16
        // Node "node-dead" started the import and committed its first batch (16 cases with the progress row)...
        String id = "dead-" + System.nanoTime();
        ReferenceLibrary.ImportRequest request = new ReferenceLibrary.ImportRequest(id, folder.toString(), null, 0,
                null, null, "folder " + folder);
        jdbc.update("insert into reference_import (id, description, status, total, done, imported, skipped, node, started_at, updated_at) "
                + "values (?, ?, 'RUNNING', 40, 16, 16, 0, 'node-dead', now(), now())", id, request.description());
        assertThat(library.importFolder(folder, Optional.empty(), 16).imported()).isEqualTo(16);
        Map<String, Long> firstBatch = cases();
        // ...then died (kill -9): its execution stays picked, and its heartbeat stops.
        scheduler.scheduleIfNotExists(new TaskInstance<>(ReferenceLibrary.IMPORT_TASK, ReferenceLibrary.IMPORT_INSTANCE, request),
                Instant.now().plus(Duration.ofHours(1)));
        assertThat(jdbc.update("update scheduled_tasks set picked = true, picked_by = 'node-dead', execution_time = now() - interval '1 minute', "
                + "last_heartbeat = now() - interval '1 hour', version = version + 1 where task_name = ?", ReferenceLibrary.IMPORT_TASK)).isEqualTo(1);
        assertThat(library.busy()).isTrue();

        // This node's scheduler finds the dead execution and runs it again.
        ReferenceLibrary.ImportReport report = library.follow(id, (done, total) -> { }).get(5, TimeUnit.MINUTES);

        assertThat(report.imported()).isEqualTo(40);
        ReferenceLibrary.ImportStatus status = library.importStatus(id).orElseThrow();
        assertThat(status.status()).isEqualTo("DONE");
        assertThat(status.node()).as("taken over here").contains(node.value());
        Map<String, Long> all = cases();
        assertThat(all).hasSize(40);
        firstBatch.forEach((path, caseId) -> assertThat(all.get(path)).as("committed before the death, not imported again: " + path)
                .isEqualTo(caseId));
    }

    private ReferenceLibrary.ImportStatus lastImport() {
        String id = jdbc.queryForObject("select id from reference_import order by started_at desc limit 1", String.class);
        return library.importStatus(id).orElseThrow();
    }

    /** This test's cases: path to id (a case imported twice would have a new id; a path is stored once). */
    private Map<String, Long> cases() {
        Map<String, Long> out = new java.util.HashMap<>();
        jdbc.query("select source_path, id from reference_case where source_path like ?",
                rs -> {
                    assertThat(out.put(rs.getString(1), rs.getLong(2))).as("one case per path").isNull();
                }, prefix + "%");
        return out;
    }

    private void writeLibrary(int n) throws IOException {
        Files.createDirectories(folder.resolve(prefix));
        List<String> lines = new ArrayList<>(List.of("path,No Finding,Pneumonia"));
        for (int i = 0; i < n; i++) {
            String path = prefix + "case" + i + ".png";
            Files.write(folder.resolve(path), TestImages.png(TestImages.phantomChest(160 + 3 * i, 150 + 2 * i, 10 + i)));
            lines.add(path + "," + (i % 2) + "," + (1 - i % 2));
        }
        Files.write(folder.resolve("index.csv"), lines);
    }
}
