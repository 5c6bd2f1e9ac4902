package org.chestlens.references;

import java.util.List;
import java.util.Optional;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.ResultContribution;

/** Adds the similar cases to the result page of every completed analysis. */
@org.springframework.stereotype.Component
class SimilarCasesContribution implements ResultContribution {

    static final int SHOWN = 6;

    private final SimilarCases similarCases;
    private final ReferenceLibrary library;
    private final AnalysisService analyses;

    SimilarCasesContribution(SimilarCases similarCases, ReferenceLibrary library, AnalysisService analyses) {
        this.similarCases = similarCases;
        this.library = library;
        this.analyses = analyses;
    }

    @Override
    public List<com.vaadin.flow.component.Component> resultSections(AnalysisResult result, Optional<Long> requester) {
        return List.of(SimilarCasesPanel.of(analyses, library, similarCases.find(result.publicId(), requester, SHOWN),
                requester));
    }
}
