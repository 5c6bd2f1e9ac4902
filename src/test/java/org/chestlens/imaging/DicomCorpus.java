package org.chestlens.imaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Real DICOM files written by other software: a licensed subset of pydicom's test files and files that DCMTK and GDCM
 * encoded (both committed under src/test/resources/dicom-corpus, see the NOTICE files there), and, when a pydicom
 * wheel is on the machine, every file in its data folders.
 */
public final class DicomCorpus {

    /** A file of the corpus: where it comes from, and its bytes. */
    public record Entry(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    private DicomCorpus() {
    }

    /** The committed files: pydicom/NAME and generated/NAME. */
    public static List<Entry> committed() {
        List<Entry> out = new ArrayList<>();
        for (String folder : List.of("pydicom", "generated")) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(root().resolve(folder), "*.dcm")) {
                for (Path file : files) {
                    out.add(new Entry(folder + "/" + file.getFileName(), Files.readAllBytes(file)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.sort(java.util.Comparator.comparing(Entry::name));
        return out;
    }

    /** One committed file, e.g. "pydicom/MR_small.dcm". */
    public static byte[] committed(String name) {
        try {
            return Files.readAllBytes(root().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JPEG stream of a committed file (e.g. "generated/dcmtk_jpeg_extended_12bit.dcm"): see {@link #jpegStream(byte[])}. */
    public static byte[] jpegStream(String name) {
        return jpegStream(committed(name));
    }

    /**
     * The JPEG stream of an explicit VR little endian file with encapsulated pixel data: its fragments after the
     * offset table, joined.
     */
    public static byte[] jpegStream(byte[] dicom) {
        byte[] tag = {(byte) 0xe0, 0x7f, 0x10, 0x00, 'O', 'B', 0, 0, -1, -1, -1, -1};
        int at = -1;
        for (int i = dicom.length - tag.length; i >= 0 && at < 0; i--) {
            if (Arrays.equals(dicom, i, i + tag.length, tag, 0, tag.length)) {
                at = i + tag.length;
            }
        }
        if (at < 0) {
            throw new IllegalArgumentException("no encapsulated pixel data");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean offsetTable = true;
        while (at + 8 <= dicom.length && le32(dicom, at) == 0xe000fffe) {
            int length = le32(dicom, at + 4);
            if (!offsetTable) {
                out.write(dicom, at + 8, length);
            }
            offsetTable = false;
            at += 8 + length;
        }
        return out.toByteArray();
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    /**
     * The pydicom wheel: the path in system property {@code chestlens.test.pydicom-wheel}, else the newest
     * /opt/pypi/files/pydicom-*.whl (where this project's machines keep it).
     */
    public static Optional<Path> wheel() {
        String configured = System.getProperty("chestlens.test.pydicom-wheel");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isRegularFile);
        }
        Path folder = Path.of("/opt/pypi/files");
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().matches("pydicom-[0-9.]+-py3-none-any\\.whl"))
                    .max(Path::compareTo);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Every file under pydicom/data in the wheel (DICOM or not: READMEs, JSON and ICC files are refused too). */
    public static List<Entry> wheel(Path wheel) {
        List<Entry> out = new ArrayList<>();
        try (ZipFile zip = new ZipFile(wheel.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (entry.isDirectory() || !name.startsWith("pydicom/data/") || name.endsWith(".py")) {
                    continue;
                }
                out.add(new Entry(name.substring("pydicom/data/".length()), zip.getInputStream(entry).readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Path root() {
        try {
            return Path.of(DicomCorpus.class.getResource("/dicom-corpus").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
