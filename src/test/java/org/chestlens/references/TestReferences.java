package org.chestlens.references;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Lets tests of other packages remove the reference cases they imported, so tests can share one database; and read
 * the shipped default library's index.
 */
public final class TestReferences {

    private TestReferences() {
    }

    /** The index.csv of the default library shipped in the application. */
    public static Csv shippedIndex() throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new ClassPathResource(ReferenceLibrary.DEFAULT_LOCATION + "index.csv").getInputStream(), StandardCharsets.UTF_8))) {
            return Csv.read(in, "index.csv");
        }
    }

    /** Deletes the cases whose index.csv path starts with {@code pathPrefix} and drops the in-memory search. */
    public static void remove(ApplicationContext context, String pathPrefix) {
        context.getBean(JdbcTemplate.class).update("delete from reference_case where source_path like ?", pathPrefix + "%");
        context.getBean(SimilarCases.class).reset();
    }
}
