package org.chestlens.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The embedded server's superuser password: generated once, kept in the data directory in a file only its owner
 * may read. Before initdb has run the data directory must stay empty, so a new password waits in a file beside it
 * ({@code pgdata.password-pending}) until the server is up, and survives a crash in between.
 */
final class DatabasePassword {

    static final String FILE_NAME = "chestlens-db-password";

    private final Path stored;
    private final Path pending;
    private final String value;

    private DatabasePassword(Path dataDirectory, String value) {
        this.stored = dataDirectory.resolve(FILE_NAME);
        this.pending = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".password-pending");
        this.value = value;
    }

    /** The password of this data directory: the stored one, the pending one, or a new one (written as pending). */
    static DatabasePassword of(Path dataDirectory) throws IOException {
        DatabasePassword probe = new DatabasePassword(dataDirectory, null);
        Optional<String> known = read(probe.stored).or(() -> read(probe.pending));
        if (known.isPresent()) {
            return new DatabasePassword(dataDirectory, known.get());
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        // URL-safe characters only: it goes into a SQL literal and a file initdb reads, neither needs quoting.
        DatabasePassword created = new DatabasePassword(dataDirectory,
                Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        writeOwnerOnly(created.pending, created.value);
        return created;
    }

    String value() {
        return value;
    }

    /** The file initdb reads the new superuser's password from (outside the still empty data directory). */
    Path pendingFile() {
        return pending;
    }

    /** Once the server runs on the data directory: the password moves into it, owner-only. */
    void store() throws IOException {
        if (!Files.exists(stored)) {
            writeOwnerOnly(stored, value);
        }
        Files.deleteIfExists(pending);
    }

    /** Whether this data directory's password is on disk (stored, or pending from a first start cut short). */
    static boolean isKept(Path dataDirectory) {
        DatabasePassword probe = new DatabasePassword(dataDirectory, null);
        return Files.exists(probe.stored) || Files.exists(probe.pending);
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the embedded database password in " + file, e);
        }
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            // Created with rw------- from the start: never readable by others, not even for a moment.
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temporary);
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8)));
            // On disk before it replaces anything: a lost password locks the data out.
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
