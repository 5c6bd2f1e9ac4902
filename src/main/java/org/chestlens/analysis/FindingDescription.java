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
 */
public record FindingDescription(String code, String label, double threshold, boolean reported, double valAuc,
                                 double valAucLow, double valAucHigh) {
}
