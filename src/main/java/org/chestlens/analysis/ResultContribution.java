package org.chestlens.analysis;

import com.vaadin.flow.component.Component;
import java.util.List;
import java.util.Optional;

/**
 * What another feature adds to the result page (the patients feature: which patient it belongs to, feedback on the
 * findings; the references feature: similar cases; the reports feature: the PDF download), so that analysis does
 * not depend on those features.
 * Implementations are Spring beans; the result page asks every one of them.
 */
public interface ResultContribution {

    /** How the analysis' patient is named in headings and the PDF report, if it belongs to one. */
    default Optional<String> patientLabel(AnalysisResult result) {
        return Optional.empty();
    }

    /**
     * Buttons or links beside "Copy link", for anyone who may see the result.
     *
     * @param requesterId the signed-in account, or empty for an anonymous visitor
     */
    default List<Component> actions(AnalysisResult result, Optional<Long> requesterId) {
        return List.of();
    }

    /**
     * Sections shown to everyone who may open a completed analysis, below the image and findings.
     *
     * @param requester the signed-in account, or empty
     */
    default List<Component> resultSections(AnalysisResult result, Optional<Long> requester) {
        return List.of();
    }

    /**
     * Sections shown below the findings of an owned analysis (only ever called for the owner).
     *
     * @param changed call after changing the analysis (e.g. attaching it) so the page shows it anew
     */
    default List<Component> sections(AnalysisResult result, Runnable changed) {
        return List.of();
    }
}
