package org.chestlens.imaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
