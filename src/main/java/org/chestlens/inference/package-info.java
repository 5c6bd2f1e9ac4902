/**
 * Runs what {@code models/manifest.json} describes (see models/MANIFEST.md): ONNX sessions loaded once at
 * start-up through DJL + ONNX Runtime, preprocessing per member exactly as in training, the weighted ensemble
 * with the manifest's thresholds, class activation maps combined per finding, the VAE's anomaly scores and map,
 * the "cannot analyse" gate, and the embedding used for similar cases.
 *
 * <p>Entry point: {@link org.chestlens.inference.InferenceEngine}. It knows nothing of users, HTTP or storage.
 */
@org.springframework.lang.NonNullApi
package org.chestlens.inference;
