package org.chestlens.analysis;

import java.nio.file.Path;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The reference library for similar-case search: labelled X-rays an admin imports from a folder laid out like
 * {@code ../shared/data/cxr} ({@code index.csv} with a {@code path} column and one column per finding, plus the
 * images). Each case keeps a thumbnail, its labels and its embedding in PostgreSQL.
 */
@Service
public class ReferenceLibrary {

    /**
     * Imports (or re-imports) the cases of a folder.
     *
     * @param folder the folder holding {@code index.csv}
     * @param split  only rows whose {@code split} column has this value, if given
     * @param limit  at most this many rows (0: all)
     */
    public ImportReport importFolder(Path folder, Optional<String> split, int limit) {
        throw new AnalysisUnavailableException(AnalysisService.UNAVAILABLE);
    }

    /** How many reference cases are stored for the loaded models. */
    public long size() {
        return 0;
    }

    /**
     * What an import did.
     *
     * @param imported  cases added or replaced
     * @param skipped   rows without a usable image (unreadable, refused by the decoder)
     * @param millis    wall time
     */
    public record ImportReport(int imported, int skipped, long millis) {
    }
}
