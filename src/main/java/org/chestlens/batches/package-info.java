/**
 * Batch uploads: a clinician sends many studies at once (several files, or a ZIP of PNG, JPEG and DICOM files) and
 * each file is analysed by a durable job (see {@link org.chestlens.jobs}): a db-scheduler one-time task per file,
 * whose result is stored exactly once through {@link org.chestlens.jobs.JobCompletions} (keyed by the file), so a
 * file whose node dies is analysed by another node and stored once. State lives in PostgreSQL ({@code batch},
 * {@code batch_item}): progress survives page reloads and node restarts.
 *
 * <p>DICOM files are filed under the clinician's pseudonymous patients: the same DICOM Patient ID gives the same
 * patient reference (an HMAC of the ID under a key per clinician, "DICOM-" and 10 hex digits); the ID and the
 * patient's name are never stored. The study date comes from the DICOM Study Date.
 *
 * <p>{@link org.chestlens.batches.BatchService} is the entry point for the pages here and the REST API
 * ({@code api.BatchController}).
 */
@org.springframework.lang.NonNullApi
package org.chestlens.batches;
