package org.chestlens.analysis;

import java.util.Map;

/**
 * How long an analysis took, in milliseconds.
 *
 * @param totalMillis from receiving the bytes to the committed transaction
 * @param stageMillis per stage, in pipeline order (decode, preprocess, models, anomaly, render, persist...)
 */
public record Timings(double totalMillis, Map<String, Double> stageMillis) {
}
