package org.chestlens.analysis;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** Lets tests of other packages remove the reference cases they imported, so tests can share one database. */
public final class TestReferences {

    private TestReferences() {
    }

    /** Deletes the cases whose index.csv path starts with {@code pathPrefix} and drops the in-memory search. */
    public static void remove(ApplicationContext context, String pathPrefix) {
        context.getBean(JdbcTemplate.class).update("delete from reference_case where source_path like ?", pathPrefix + "%");
        context.getBean(SimilarCases.class).reset();
    }
}
