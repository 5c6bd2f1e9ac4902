package org.chestlens.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server left running on the embedded data directory by an application that died without stopping it
 * ({@code kill -9}, an out-of-memory kill): it still holds {@code postmaster.pid}, so a new server on the same data
 * would refuse to start. It is stopped cleanly (a fast shutdown: its clients died with the application, and it
 * writes a checkpoint) before the new one starts. Only a process that is verifiably a postgres server for this data
 * directory is touched, and only when no live application holds the directory's lock.
 */
final class OrphanedPostmaster {

    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);

    /** The file zonky's EmbeddedPostgres locks for as long as its JVM runs the server. */
    static final String OWNER_LOCK = "epg-lock";

    private OrphanedPostmaster() {
    }

    /**
     * Stops the server left on this data directory, if any.
     *
     * @throws IllegalStateException when a live process still owns the directory, or the orphan does not stop in time
     */
    static void stopIfAny(Path dataDirectory, Duration timeout) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        ensureNoLiveOwner(dataDirectory);
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (RuntimeException e) {
            // Empty or torn: postgres treats such a file as stale and replaces it.
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            // The whole machine went down: postgres sees the pid is gone and replaces the file itself.
            return;
        }
        Optional<String> command = process.get().info().command();
        if (command.isPresent() && !isPostgres(command.get())) {
            // The pid was reused after a reboot by something else; postgres would take it for a live server.
            log.warn("Removing stale {}: pid {} is now {}", pidFile, pid, command.get());
            Files.delete(pidFile);
            return;
        }
        if (!servesDirectory(process.get(), lines, dataDirectory)) {
            throw new IllegalStateException("Process " + pid + " named in " + pidFile
                    + " is a postgres server for another data directory; not starting on " + dataDirectory);
        }
        log.warn("PostgreSQL (pid {}) is still running on {} after the application that started it died; stopping it",
                pid, dataDirectory);
        stop(process.get(), dataDirectory, timeout);
        log.info("Stopped the orphaned PostgreSQL (pid {}); starting it anew", pid);
    }

    private static void ensureNoLiveOwner(Path dataDirectory) throws IOException {
        Path lockFile = dataDirectory.resolve(OWNER_LOCK);
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw inUse(dataDirectory);
            }
        } catch (OverlappingFileLockException e) {
            throw inUse(dataDirectory);
        }
    }

    static IllegalStateException inUse(Path dataDirectory) {
        return new IllegalStateException("The embedded database in " + dataDirectory
                + " is in use by another running ChestLens; stop it first or set CHESTLENS_DATA_DIR to another folder");
    }

    private static boolean isPostgres(String command) {
        String name = Path.of(command).getFileName().toString();
        return name.equals("postgres") || name.equals("postmaster")
                || name.startsWith("postgres ") || name.startsWith("postmaster ");
    }

    /** The pid file names this directory, and the process was started on it (when its arguments can be read). */
    private static boolean servesDirectory(ProcessHandle process, List<String> pidLines, Path dataDirectory)
            throws IOException {
        if (pidLines.size() < 2 || !sameDirectory(Path.of(pidLines.get(1).strip()), dataDirectory)) {
            return false;
        }
        Optional<String[]> arguments = process.info().arguments();
        if (arguments.isEmpty()) {
            return true;
        }
        String[] args = arguments.get();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("-D")) {
                return sameDirectory(Path.of(args[i + 1]), dataDirectory);
            }
        }
        return false;
    }

    private static boolean sameDirectory(Path a, Path b) throws IOException {
        return Files.exists(a) && Files.isSameFile(a, b);
    }

    /**
     * SIGINT is PostgreSQL's fast shutdown, what {@code pg_ctl stop -m fast} sends (pg_ctl itself refuses to run as
     * root, where zonky runs the server in a user namespace); SIGTERM, the smart shutdown, if kill is missing.
     */
    private static void stop(ProcessHandle process, Path dataDirectory, Duration timeout) throws IOException {
        try {
            Process kill = new ProcessBuilder("kill", "-s", "INT", Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                process.destroy();
            }
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping the orphaned PostgreSQL", e);
        }
        // Done when it has exited, or has removed its pid file (its last act; an exited process may linger as a
        // zombie where nothing reaps orphans).
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive() && Files.exists(pidFile)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The orphaned PostgreSQL (pid " + process.pid() + ") on "
                        + dataDirectory + " did not stop within " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while stopping the orphaned PostgreSQL", e);
            }
        }
    }
}
