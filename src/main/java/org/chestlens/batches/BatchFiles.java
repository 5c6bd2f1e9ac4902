package org.chestlens.batches;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.chestlens.imaging.ImageFormat;
import org.chestlens.security.PlainText;

/**
 * Turns what a clinician sent (files, and ZIP archives among them) into the batch's files, each either content to
 * analyse or a refusal with its reason. Archives are read as a stream, one entry in memory at a time, and every
 * hostile shape a ZIP can take is refused per entry while the others go on: an entry that unpacks beyond the
 * per-file limit or far beyond its packed size (a ZIP bomb), an archive inside the archive, a name that climbs
 * out of the folder or is absolute, more entries than a batch may hold, more unpacked bytes than a batch may hold,
 * and files that are not PNG, JPEG or DICOM. Nothing is ever written to disk, so names are only labels.
 */
final class BatchFiles {

    /** One file of the batch: content to analyse, or the reason it was refused. */
    record File(String name, Optional<byte[]> content, Optional<String> refusal) {
        static File accepted(String name, byte[] content) {
            return new File(name, Optional.of(content), Optional.empty());
        }

        static File refused(String name, String reason) {
            return new File(name, Optional.empty(), Optional.of(reason));
        }
    }

    /** What a batch may hold. */
    record Limits(int maxFiles, long maxFileBytes, long maxTotalBytes, int maxRatio) {
    }

    /** Packed-to-unpacked ratios above the limit only count as a bomb beyond this size (tiny files compress well). */
    static final long RATIO_FLOOR_BYTES = 1 << 20;

    private final Limits limits;
    private int files;
    private long totalBytes;
    private boolean overflowReported;

    /** @param files, totalBytes what the batch already holds (files are added to a batch upload by upload) */
    BatchFiles(Limits limits, int files, long totalBytes) {
        this.limits = limits;
        this.files = files;
        this.totalBytes = totalBytes;
    }

    /** Files accepted or refused so far. */
    int count() {
        return files;
    }

    /**
     * Reads one upload (a file or a ZIP archive of files) and hands each resulting file to {@code sink}.
     *
     * @throws IOException when the client's stream breaks (the request fails as a whole)
     */
    void read(String uploadName, InputStream upload, Consumer<File> sink) throws IOException {
        String name = label(uploadName, "file " + (files + 1));
        LimitedBytes head = LimitedBytes.read(upload, limits.maxFileBytes());
        if (isZip(head.bytes())) {
            readZip(name, head.rest(upload), sink);
            return;
        }
        if (head.truncated()) {
            add(sink, File.refused(name, "The file is larger than " + megabytes(limits.maxFileBytes())
                    + " MB, the largest this server accepts."));
            return;
        }
        add(sink, check(name, head.bytes()));
    }

    private void readZip(String archive, InputStream packed, Consumer<File> sink) throws IOException {
        CountingInputStream counted = new CountingInputStream(packed);
        int entries = 0;
        try (ZipInputStream zip = new ZipInputStream(counted)) {
            ZipEntry entry;
            while (true) {
                long packedBefore = counted.count();
                try {
                    entry = zip.getNextEntry();
                } catch (ZipException e) {
                    add(sink, File.refused(archive, "The archive is damaged (" + e.getMessage() + "); the files after "
                            + "the damage were not read."));
                    return;
                }
                if (entry == null) {
                    break;
                }
                if (entry.isDirectory() || ignored(entry.getName())) {
                    continue;
                }
                entries++;
                String name = label(archive + "/" + entry.getName(), archive + " entry " + entries);
                Optional<String> unsafe = unsafePath(entry.getName());
                if (unsafe.isPresent()) {
                    add(sink, File.refused(name, unsafe.get()));
                    continue;
                }
                if (files >= limits.maxFiles() || counted.count() > limits.maxTotalBytes()) {
                    add(sink, null);
                    return; // the rest is not read at all: an archive of a million entries costs no more than this
                }
                LimitedBytes content;
                try {
                    content = LimitedBytes.read(zip, limits.maxFileBytes());
                } catch (ZipException e) {
                    add(sink, File.refused(name, "This entry cannot be unpacked (" + e.getMessage() + "); encrypted "
                            + "archives are not supported. The files after it were not read."));
                    return;
                }
                long unpacked = content.bytes().length;
                long packedSize = Math.max(1, counted.count() - packedBefore);
                if (content.truncated()) {
                    add(sink, File.refused(name, "This entry unpacks to more than " + megabytes(limits.maxFileBytes())
                            + " MB, the largest file this server accepts; it was not unpacked further."));
                    continue;
                }
                if (unpacked > RATIO_FLOOR_BYTES && unpacked / packedSize > limits.maxRatio()) {
                    add(sink, File.refused(name, "This entry unpacks to " + unpacked / packedSize + " times its packed "
                            + "size, the sign of a ZIP bomb rather than an X-ray; it was refused."));
                    continue;
                }
                if (totalBytes + unpacked > limits.maxTotalBytes()) {
                    add(sink, File.refused(name, "The batch would hold more than " + megabytes(limits.maxTotalBytes())
                            + " MB unpacked; this file was left out. Send the rest as another batch."));
                    continue;
                }
                if (isArchive(content.bytes())) {
                    add(sink, File.refused(name, "This is an archive inside the archive. Unpack it and send its files, "
                            + "or send it as an archive of its own."));
                    continue;
                }
                add(sink, check(name, content.bytes()));
            }
        }
        if (entries == 0) {
            add(sink, File.refused(archive, "The archive holds no files (or is not a readable ZIP archive)."));
        }
    }

    private void add(Consumer<File> sink, File file) {
        if (file == null || files >= limits.maxFiles()) {
            // One line for everything past the limit, not one per entry.
            if (!overflowReported) {
                overflowReported = true;
                sink.accept(File.refused("(more files)", "A batch holds at most " + limits.maxFiles() + " files and "
                        + megabytes(limits.maxTotalBytes()) + " MB; the files after that were not read. Send them as "
                        + "another batch."));
            }
            return;
        }
        files++;
        file.content().ifPresent(bytes -> totalBytes += bytes.length);
        sink.accept(file);
    }

    private File check(String name, byte[] content) {
        if (totalBytes + content.length > limits.maxTotalBytes()) {
            return File.refused(name, "The batch would hold more than " + megabytes(limits.maxTotalBytes())
                    + " MB; this file was left out. Send the rest as another batch.");
        }
        if (isArchive(content)) {
            return File.refused(name, "Only ZIP archives are unpacked; send the files themselves or a ZIP of them.");
        }
        if (ImageFormat.detect(content).isEmpty()) {
            return File.refused(name, content.length == 0 ? "The file is empty."
                    : "This is not a PNG, JPEG or DICOM file (recognised from its content, whatever its name).");
        }
        return File.accepted(name, content);
    }

    /** Why an entry's path is refused: it leaves the archive's folder or names a place on the machine. */
    static Optional<String> unsafePath(String path) {
        String p = path.replace('\\', '/');
        boolean climbs = p.equals("..") || p.startsWith("../") || p.contains("/../") || p.endsWith("/..");
        boolean absolute = p.startsWith("/") || p.matches("^[A-Za-z]:.*");
        if (climbs || absolute || p.indexOf('\0') >= 0) {
            return Optional.of("The entry's path leaves the archive's folder (such as ../ or an absolute path); "
                    + "it was not unpacked.");
        }
        return Optional.empty();
    }

    /** Folders' and operating systems' bookkeeping, which is no one's X-ray. */
    private static boolean ignored(String path) {
        String p = path.replace('\\', '/');
        String last = p.substring(p.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return p.startsWith("__MACOSX/") || p.contains("/__MACOSX/") || last.startsWith("._")
                || last.equals(".ds_store") || last.equals("thumbs.db") || last.equals("desktop.ini");
    }

    static boolean isZip(byte[] b) {
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 || b[2] == 5 || b[2] == 7) && (b[3] == 4 || b[3] == 6 || b[3] == 8);
    }

    /** ZIP, gzip, bzip2, xz, 7z, RAR or tar. */
    static boolean isArchive(byte[] b) {
        return isZip(b)
                || b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b
                || b.length >= 3 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h'
                || b.length >= 6 && (b[0] & 0xff) == 0xfd && b[1] == '7' && b[2] == 'z' && b[3] == 'X' && b[4] == 'Z'
                || b.length >= 6 && b[0] == '7' && b[1] == 'z' && (b[2] & 0xff) == 0xbc && (b[3] & 0xff) == 0xaf
                || b.length >= 4 && b[0] == 'R' && b[1] == 'a' && b[2] == 'r' && b[3] == '!'
                || b.length >= 262 && b[257] == 'u' && b[258] == 's' && b[259] == 't' && b[260] == 'a' && b[261] == 'r';
    }

    /** A name to show: control characters replaced, at most 255 characters (the end, which names the file). */
    private static String label(String name, String fallback) {
        String clean = name == null || name.isBlank() ? fallback : PlainText.fileName(name);
        return clean.length() > 255 ? "..." + clean.substring(clean.length() - 252) : clean;
    }

    private static long megabytes(long bytes) {
        return bytes / (1024 * 1024);
    }

    /** Up to a limit of bytes from a stream (one byte more when {@code truncated}: there was more). */
    private record LimitedBytes(byte[] bytes, boolean truncated) {
        static LimitedBytes read(InputStream in, long limit) throws IOException {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            return new LimitedBytes(bytes, bytes.length > limit);
        }

        /** The whole upload again: what was read, then the rest of the stream. */
        InputStream rest(InputStream in) {
            return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(bytes), in);
        }
    }

    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
