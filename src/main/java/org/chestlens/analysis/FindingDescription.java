package org.chestlens.analysis;

/**
 * A finding as the model card describes it (for legends, help pages and the admin's model page).
 *
 * @param code        stable code
 * @param label       human label
 * @param threshold   decision threshold on the ensemble probability
 * @param reported    whether users are shown it at all
 * @param valAuc      validation AUC (NaN when unknown)
 * @param valAucLow   lower bound of its 95% confidence interval (NaN when unknown)
 * @param valAucHigh  upper bound (NaN when unknown)
 * @param valPopulation the validation images the AUC was measured on, in words (null when unknown): a sub-type given
 *                    its parent is measured only where the parent is present
 * @param condition   its relation to other findings, in words (as on the result page); null for none
 * @param valSensitivity share of the validation images with the finding that reach the threshold (null: unknown)
 * @param valSpecificity share of those without it that stay below the threshold
 * @param valPpv      positive predictive value at the threshold on the validation population: of its images called
 *                    positive, the share that have the finding. It holds for that population's prevalence
 *                    ({@code valPrevalence}); where the finding is rarer, fewer positives are right
 * @param valPrevalence share of the validation population with the finding
 * @param valEce      expected calibration error of the probability on the validation population (10 bins)
 */
public record FindingDescription(String code, String label, double threshold, boolean reported, double valAuc,
                                 double valAucLow, double valAucHigh, String valPopulation, String condition,
                                 Double valSensitivity, Double valSpecificity, Double valPpv, Double valPrevalence,
                                 Double valEce) {
}
