package org.chestlens.references;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.chestlens.inference.ModelManifest;

/**
 * A small CSV table (header + rows, RFC 4180 quoting), for the {@code index.csv} of a labelled folder laid out like
 * {@code ../shared/data/cxr}: a {@code path} column, optional {@code source}, {@code split} and {@code license}
 * columns, and one column per finding (1 = present, 0 = absent, empty = not labelled).
 */
public record Csv(List<String> header, List<List<String>> rows) {

    /**
     * The {@code index.csv} of a labelled folder (layout of README "Data"), which must have a {@code path} column.
     *
     * @throws IllegalArgumentException when it cannot be read or has no {@code path} column, in words for the operator
     */
    public static Csv readIndex(Path folder) {
        Path file = folder.resolve("index.csv");
        Csv index;
        try {
            index = read(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage());
        }
        if (index.column("path") < 0) {
            throw new IllegalArgumentException(file + " has no 'path' column");
        }
        return index;
    }

    public static Csv read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        }
    }

    /** Reads a table from {@code in}; {@code name} only names it in the error for an empty table. */
    public static Csv read(BufferedReader in, String name) throws IOException {
        List<List<String>> lines = new ArrayList<>();
        String line;
        StringBuilder pending = null;
        while ((line = in.readLine()) != null) {
            String text = pending == null ? line : pending.append('\n').append(line).toString();
            if (quotesOpen(text)) {
                pending = new StringBuilder(text);
                continue;
            }
            pending = null;
            if (!text.isBlank()) {
                lines.add(split(text));
            }
        }
        if (lines.isEmpty()) {
            throw new IOException(name + " is empty");
        }
        return new Csv(lines.get(0), lines.subList(1, lines.size()));
    }

    /** The column's position, or -1. */
    public int column(String name) {
        return header.indexOf(name);
    }

    /** The row's value in that column; empty where the row is short or the column absent (-1). */
    public static String value(List<String> row, int column) {
        return column >= 0 && column < row.size() ? row.get(column) : "";
    }

    /** A column name as a finding code: lower case, runs of other characters as one '_' (see ARCHITECTURE.md). */
    public static String code(String column) {
        return column.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    }

    /** The columns that name a finding of the models (by {@link #code(String)}), by finding code, in card order. */
    public Map<String, Integer> findingColumns(ModelManifest manifest) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ModelManifest.FindingSpec f : manifest.findings()) {
            for (int i = 0; i < header.size(); i++) {
                if (code(header.get(i)).equals(f.code())) {
                    out.put(f.code(), i);
                }
            }
        }
        return out;
    }

    private static boolean quotesOpen(String text) {
        int quotes = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '"') {
                quotes++;
            }
        }
        return quotes % 2 == 1;
    }

    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
    }
}
