/**
 * The triage worklist: a clinician's own completed studies not yet reviewed, most urgent first
 * ({@link org.chestlens.worklist.Urgency}: positive findings by probability relative to threshold, then the anomaly
 * score), filterable by finding and date. {@link org.chestlens.worklist.Worklist} serves the page
 * ({@link org.chestlens.worklist.WorklistView}, {@code /worklist}) and {@code GET /api/v1/worklist}; the
 * {@code triage-check} command (package {@code tools}) measures how well the same rule puts abnormal studies first.
 * A study leaves the list once its owner gives feedback on it (result page or {@code PUT /api/v1/analyses/{id}/feedback}).
 */
@org.springframework.lang.NonNullApi
package org.chestlens.worklist;
