package org.chestlens.analysis;

/**
 * Why the gate refused to analyse an image.
 *
 * @param reason     what is wrong, for a person ("This looks like a colour image, not a chest X-ray.")
 * @param suggestion what to upload instead
 * @param rule       the machine name of the rule that fired (e.g. {@code input.saturation},
 *                   {@code member.mobilenetv2.ood_distance}, {@code uncertainty}, {@code blank})
 */
public record Rejection(String reason, String suggestion, String rule) {
}
