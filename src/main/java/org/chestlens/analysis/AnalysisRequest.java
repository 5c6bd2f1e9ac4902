package org.chestlens.analysis;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import org.chestlens.security.PlainText;

/**
 * An upload to analyse. Start with {@link #of(byte[], String)} (anonymous) and add what applies.
 *
 * @param bytes     the uploaded file, untouched
 * @param fileName  as the browser or client sent it (control characters replaced); only shown back, never trusted
 *                  for the format
 * @param ownerId   the signed-in account; empty for an anonymous upload (kept for the anonymous retention only)
 * @param patientId one of the owner's patients (the caller checks that it is theirs); needs an owner
 * @param studyDate when the X-ray was taken; not in the future, not before {@link #EARLIEST_STUDY_DATE}
 * @param note      free text, at most {@value #MAX_NOTE_LENGTH} characters
 * @param channel   where the upload came from, for the usage statistics only
 */
public record AnalysisRequest(byte[] bytes, String fileName, Optional<Long> ownerId, Optional<Long> patientId,
                              Optional<LocalDate> studyDate, Optional<String> note, Channel channel) {

    public static final int MAX_NOTE_LENGTH = 2000;

    /** Röntgen's discovery: no X-ray is older. Also keeps dates well inside what the database can store. */
    public static final LocalDate EARLIEST_STUDY_DATE = LocalDate.of(1895, 11, 8);

    /** The web pages, or the REST API. */
    public enum Channel { UI, API }

    public AnalysisRequest {
        Objects.requireNonNull(bytes, "bytes");
        fileName = fileName == null ? "" : PlainText.fileName(fileName);
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(patientId, "patientId");
        Objects.requireNonNull(studyDate, "studyDate");
        note = Objects.requireNonNull(note, "note").map(String::strip).filter(n -> !n.isEmpty());
        Objects.requireNonNull(channel, "channel");
    }

    public static AnalysisRequest of(byte[] bytes, String fileName) {
        return new AnalysisRequest(bytes, fileName, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Channel.UI);
    }

    public AnalysisRequest withOwner(long accountId) {
        return new AnalysisRequest(bytes, fileName, Optional.of(accountId), patientId, studyDate, note, channel);
    }

    /** Same as {@link #withOwner(long)} for an optional signed-in user (e.g. {@code currentUser.accountId()}). */
    public AnalysisRequest withOwner(Optional<Long> accountId) {
        return new AnalysisRequest(bytes, fileName, accountId, patientId, studyDate, note, channel);
    }

    public AnalysisRequest withPatient(long id) {
        return new AnalysisRequest(bytes, fileName, ownerId, Optional.of(id), studyDate, note, channel);
    }

    public AnalysisRequest withStudyDate(LocalDate date) {
        return new AnalysisRequest(bytes, fileName, ownerId, patientId, Optional.ofNullable(date), note, channel);
    }

    public AnalysisRequest withNote(String text) {
        return new AnalysisRequest(bytes, fileName, ownerId, patientId, studyDate, Optional.ofNullable(text), channel);
    }

    /** Marks an upload made through the REST API (the default is the web pages). */
    public AnalysisRequest viaApi() {
        return new AnalysisRequest(bytes, fileName, ownerId, patientId, studyDate, note, Channel.API);
    }
}
