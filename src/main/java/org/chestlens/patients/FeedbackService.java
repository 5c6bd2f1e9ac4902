package org.chestlens.patients;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.chestlens.analysis.AnalysisRequest;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.Finding;
import org.chestlens.audit.AuditTrail;
import org.chestlens.security.CurrentUser;
import org.chestlens.security.PlainText;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Clinicians confirm or reject each finding of their own analyses and add a note. Confirmed findings
 * are handed to the analysis feature, which then offers the case in the clinician's similar-case search.
 */
@Service
public class FeedbackService {

    private final FeedbackRepository feedback;
    private final AnalysisService analysisService;
    private final CurrentUser currentUser;
    private final AuditTrail audit;
    private final Clock clock;
    private final TransactionTemplate writing;

    FeedbackService(FeedbackRepository feedback, AnalysisService analysisService, CurrentUser currentUser,
                    AuditTrail audit, Clock clock, PlatformTransactionManager transactions) {
        this.writing = new TransactionTemplate(transactions);
        this.feedback = feedback;
        this.analysisService = analysisService;
        this.currentUser = currentUser;
        this.audit = audit;
        this.clock = clock;
    }

    /** The signed-in clinician's feedback on the analysis, if they gave any. */
    @Transactional(readOnly = true)
    public Optional<Feedback> find(String publicId) {
        return feedback.findByAnalysisPublicIdAndOwnerId(publicId, currentUser.requireAccountId());
    }

    /** Feedback on several analyses at once (for timelines), by public id. */
    @Transactional(readOnly = true)
    public Map<String, Feedback> findAll(Collection<String> publicIds) {
        if (publicIds.isEmpty()) {
            return Map.of();
        }
        return feedback.findByAnalysisPublicIdInAndOwnerId(publicIds, currentUser.requireAccountId()).stream()
                .collect(Collectors.toMap(Feedback::getAnalysisPublicId, Function.identity()));
    }

    /**
     * Stores the verdicts (findings left out are "not reviewed") and the note, replacing earlier feedback,
     * and tells the analysis feature which findings are confirmed. The analysis is read and told outside
     * this feature's transaction (the analysis feature runs its own).
     */
    public Feedback save(String publicId, Map<String, Verdict> verdicts, String note) {
        long owner = currentUser.requireAccountId();
        AnalysisResult analysis = analysisService.find(publicId, Optional.of(owner))
                .filter(a -> a.ownerId().equals(Optional.of(owner)))
                .orElseThrow(() -> new FeedbackException(null, "This analysis does not exist or is not yours."));
        if (!analysis.completed()) {
            throw new FeedbackException(null, "An image that could not be analysed has no findings to give feedback on.");
        }
        Set<String> reported = analysis.findings().stream().map(Finding::code).collect(Collectors.toSet());
        Map<String, Verdict> clean = new LinkedHashMap<>();
        verdicts.forEach((code, verdict) -> {
            if (verdict != null) {
                if (!reported.contains(code)) {
                    throw new FeedbackException("verdicts", "There is no finding \"" + code + "\" in this analysis.");
                }
                clean.put(code, verdict);
            }
        });
        String text = note == null || note.isBlank() ? null : note.strip();
        if (text != null && text.length() > AnalysisRequest.MAX_NOTE_LENGTH) {
            throw new FeedbackException("note", "A note has at most " + AnalysisRequest.MAX_NOTE_LENGTH + " characters.");
        }
        if (!PlainText.isMultiLine(text)) {
            throw new FeedbackException("note", "The note contains a control character (such as NUL) that cannot be "
                    + "stored. Remove it and try again.");
        }
        Feedback saved = writing.execute(status -> {
            Feedback entry = feedback.findByAnalysisPublicIdAndOwnerId(publicId, owner)
                    .orElseGet(() -> new Feedback(publicId, owner));
            entry.update(clean, text, clock.instant());
            return feedback.save(entry);
        });
        Set<String> confirmed = clean.entrySet().stream().filter(e -> e.getValue() == Verdict.CONFIRMED)
                .map(Map.Entry::getKey).collect(Collectors.toCollection(java.util.TreeSet::new));
        analysisService.confirmFindings(publicId, owner, confirmed);
        audit.record("FEEDBACK_SAVED", "analysis feedback: " + confirmed.size() + " confirmed, "
                + (clean.size() - confirmed.size()) + " rejected");
        return saved;
    }

    /** "2 confirmed, 1 rejected", or empty when nothing was reviewed. */
    public static Optional<String> summary(Feedback feedback) {
        long confirmed = feedback.getVerdicts().values().stream().filter(v -> v == Verdict.CONFIRMED).count();
        long rejected = feedback.getVerdicts().size() - confirmed;
        List<String> parts = new java.util.ArrayList<>();
        if (confirmed > 0) {
            parts.add(confirmed + " confirmed");
        }
        if (rejected > 0) {
            parts.add(rejected + " rejected");
        }
        if (feedback.getNote().isPresent()) {
            parts.add("note");
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
    }
}
