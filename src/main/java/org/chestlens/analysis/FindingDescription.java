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
 */
public record FindingDescription(String code, String label, double threshold, boolean reported, double valAuc,
                                 double valAucLow, double valAucHigh, String valPopulation, String condition) {
}
