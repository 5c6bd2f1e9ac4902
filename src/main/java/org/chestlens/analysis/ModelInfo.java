package org.chestlens.analysis;

/**
 * The model release behind an analysis.
 *
 * @param name       e.g. {@code chestlens-default}
 * @param version    e.g. {@code 1.0.0}
 * @param disclaimer the sentence to show with every result
 */
public record ModelInfo(String name, String version, String disclaimer) {
}
