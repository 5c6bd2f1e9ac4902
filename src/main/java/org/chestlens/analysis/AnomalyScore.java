package org.chestlens.analysis;

/**
 * The anomaly model's view of the image (a VAE trained on normal X-rays only).
 *
 * @param mse                 mean squared reconstruction error
 * @param kl                  KL divergence of the latent code
 * @param negElbo             negative evidence lower bound (the VAE's overall "surprise")
 * @param msePercentile       percentile rank (0..100) of {@code mse} among normal validation X-rays
 * @param klPercentile        same for {@code kl}
 * @param negElboPercentile   same for {@code negElbo}: "more unusual than N% of normal X-rays"
 */
public record AnomalyScore(double mse, double kl, double negElbo, double msePercentile, double klPercentile,
                           double negElboPercentile) {

    /** The headline number: more unusual than this percentage of normal X-rays. */
    public double percentile() {
        return negElboPercentile;
    }
}
