package org.chestlens.analysis;

import java.util.Map;

/**
 * One finding of an analysis.
 *
 * @param code                 stable code, e.g. {@code pneumonia}, {@code covid_19}
 * @param label                human label, e.g. "COVID-19"
 * @param probability          ensemble probability in [0, 1] (weighted mean of the members)
 * @param threshold            decision threshold from the model card (Youden's J on validation)
 * @param positive             {@code probability >= threshold}, and consistent with the other findings (see condition)
 * @param memberProbabilities  each contributing member's own probability, by member name in manifest order (transparency)
 * @param condition            when the finding counts beyond its threshold, in words (e.g. a sub-type only with its
 *                             parent finding); {@code null} for none
 * @param normal               the models' "normal study" finding (e.g. No Finding): positive is good news
 * @param applicable           {@code false} for a sub-type whose probability assumes its parent finding (the manifest's
 *                             {@code conditional}) while the parent is negative: its number then says nothing about
 *                             this study, so it is shown as "n/a" and listed last
 */
public record Finding(String code, String label, double probability, double threshold, boolean positive,
                      Map<String, Double> memberProbabilities, String condition, boolean normal, boolean applicable) {

    /** The probability in words, or "n/a" when it does not apply to this study. */
    public String probabilityText() {
        return applicable ? FindingsTable.percent(probability) : "n/a";
    }
}
