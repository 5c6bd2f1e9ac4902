package org.chestlens.reports;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.chestlens.accounts.Account;
import org.chestlens.accounts.AccountService;
import org.chestlens.analysis.AnalysisResult;
import org.chestlens.analysis.AnalysisService;
import org.chestlens.analysis.AnomalyPanel;
import org.chestlens.analysis.AnomalyScore;
import org.chestlens.analysis.Finding;
import org.chestlens.analysis.ImageBytes;
import org.chestlens.analysis.Rejection;
import org.chestlens.analysis.ResultSummary;
import org.chestlens.imaging.GreyImage;
import org.chestlens.imaging.Overlays;
import org.chestlens.patients.Feedback;
import org.chestlens.patients.FeedbackService;
import org.chestlens.patients.Patient;
import org.chestlens.patients.PatientService;
import org.chestlens.patients.Verdict;
import org.chestlens.ui.Dates;
import org.chestlens.ui.Numbers;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The PDF report of one analysis (Apache PDFBox), the same document from the result page and the API: per finding
 * the models' result beside the clinician's verdict, the clinician's note and who reviewed it when, the summary and
 * its uncertainties, the heatmaps of the positive findings (whatever the viewer showed) with their colour scale, how
 * unusual the image is, the analysis id and link, and that it is not a diagnosis. A typical study fits on one A4 page:
 * the pictures shrink until it does.
 */
@Service
public class AnalysisReport {

    /** Heatmaps shown at most; more positive findings are named, their maps are on the result page. */
    static final int MAX_HEATMAPS = 3;
    private static final float[] PICTURE_HEIGHTS = {200, 175, 150, 130, 115, 100};

    static final String CALLS = "Positive: the probability reaches the threshold (chosen on validation data). Possible: "
            + "it does, but such calls were right less than half the time on validation X-rays (PPV < 50%), so it is "
            + "flagged for review. PPV: the share of positive calls that were right there. [models disagree]: the "
            + "ensemble's models on both sides of the threshold, 25 points or more apart. [borderline]: within 2 points.";
    static final String HEATMAP_LEGEND = "Where the image raised each finding's probability most, from blue (weaker) to "
            + "red (stronger); grey: left uncoloured, little evidence. It shows where the models looked, not an outline "
            + "of disease.";

    private final AnalysisService analysisService;
    private final PatientService patientService;
    private final FeedbackService feedbackService;
    private final AccountService accountService;
    private final Clock clock;

    AnalysisReport(AnalysisService analysisService, PatientService patientService, FeedbackService feedbackService,
                   AccountService accountService, Clock clock) {
        this.analysisService = analysisService;
        this.patientService = patientService;
        this.feedbackService = feedbackService;
        this.accountService = accountService;
        this.clock = clock;
    }

    /** The report, if the analysis exists and the requester may see it. */
    public Optional<byte[]> pdf(String publicId, Optional<Long> requesterId) {
        return analysisService.find(publicId, requesterId).map(result -> render(contents(result, requesterId)));
    }

    /** "chestlens-report-2026-01-05.pdf": names the study, not the link. */
    public static String fileName(AnalysisResult result) {
        return "chestlens-report-" + result.studyDate().map(Dates::date)
                .orElse(Dates.date(result.createdAt().atZone(ZoneId.systemDefault()).toLocalDate())) + ".pdf";
    }

    /** Everything the report shows, gathered before any drawing. */
    record Contents(AnalysisResult result, Optional<String> patient, Optional<Review> review, String link,
                    List<PdfPages.Picture> pictures, String generated) {
    }

    /** The owner's feedback: verdicts by finding code, note, who and when. */
    record Review(Map<String, Verdict> verdicts, Optional<String> note, String reviewer, String when) {
    }

    private Contents contents(AnalysisResult result, Optional<Long> requesterId) {
        boolean owner = result.ownerId().isPresent() && result.ownerId().equals(requesterId);
        Optional<String> patient = owner ? result.patientId().flatMap(patientService::find).map(Patient::displayLabel)
                : Optional.empty();
        Optional<Review> review = owner && result.completed() ? feedbackService.find(result.publicId())
                .filter(f -> !f.getVerdicts().isEmpty() || f.getNote().isPresent())
                .map(f -> review(f, result.ownerId().get())) : Optional.empty();
        return new Contents(result, patient, review, link(result.publicId()), pictures(result, requesterId),
                "Generated " + Dates.dateTime(clock.instant(), Dates.zone()) + " by ChestLens, model " + result.model().name() + " "
                        + result.model().version() + ".");
    }

    private Review review(Feedback feedback, long ownerId) {
        String reviewer = accountService.find(ownerId).map(Account::getDisplayName).orElse("the clinician");
        return new Review(feedback.getVerdicts(), feedback.getNote(), reviewer, Dates.dateTime(feedback.getUpdatedAt()));
    }

    /** The result page's address, absolute when a request tells the host (UI download and API alike). */
    private static String link(String publicId) {
        try {
            return ServletUriComponentsBuilder.fromCurrentContextPath().path("/analysis/{id}").buildAndExpand(publicId)
                    .toUriString();
        } catch (IllegalStateException noRequest) {
            return "/analysis/" + publicId;
        }
    }

    /** The heatmaps of the positive findings, most probable first; the plain X-ray when none is positive. */
    private List<PdfPages.Picture> pictures(AnalysisResult result, Optional<Long> requesterId) {
        List<PdfPages.Picture> pictures = new ArrayList<>();
        if (result.completed()) {
            ResultSummary summary = ResultSummary.of(result);
            List<Finding> positive = new ArrayList<>(summary.positives());
            positive.addAll(summary.possible());
            positive.sort((a, b) -> Double.compare(b.probability(), a.probability()));
            for (Finding f : positive.subList(0, Math.min(MAX_HEATMAPS, positive.size()))) {
                analysisService.heatmap(result.publicId(), requesterId, f.code()).map(AnalysisReport::decode)
                        .ifPresent(image -> pictures.add(new PdfPages.Picture(image, f.label() + " "
                                + f.probabilityText() + " (" + f.callText().toLowerCase(java.util.Locale.ROOT) + ")")));
            }
        }
        if (pictures.isEmpty()) {
            analysisService.image(result.publicId(), requesterId).map(AnalysisReport::decode)
                    .ifPresent(image -> pictures.add(new PdfPages.Picture(image, "The X-ray as analysed "
                            + "(identifying metadata removed)" + (result.completed() ? "; no finding is positive, so no "
                            + "heatmap is shown." : "."))));
        }
        return pictures;
    }

    private byte[] render(Contents contents) {
        try {
            // Lay out without drawing until it fits on one page (or the pictures are as small as they may be).
            float pictureHeight = PICTURE_HEIGHTS[PICTURE_HEIGHTS.length - 1];
            for (float h : PICTURE_HEIGHTS) {
                PdfPages measure = new PdfPages(null);
                write(measure, contents, h);
                if (measure.pages() == 1) {
                    pictureHeight = h;
                    break;
                }
            }
            try (PDDocument document = new PDDocument()) {
                PDDocumentInformation info = document.getDocumentInformation();
                info.setTitle("ChestLens analysis report");
                info.setCreator("ChestLens");
                PdfPages pages = new PdfPages(document);
                write(pages, contents, pictureHeight);
                pages.footer(ResultSummary.NOT_A_DIAGNOSIS, contents.generated());
                pages.close();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                document.save(out);
                return out.toByteArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the PDF report", e);
        }
    }

    private static void write(PdfPages pages, Contents contents, float pictureHeight) throws IOException {
        AnalysisResult result = contents.result();
        pages.title("ChestLens analysis report");
        pages.notice(ResultSummary.NOT_A_DIAGNOSIS + disclaimer(result));
        pages.table(new float[] {62, 196, 62, 195}, facts(contents), false, 8.5f);
        pages.paragraph("Result page: " + contents.link(), pages.regular, 8.5f, java.awt.Color.BLACK);

        if (result.rejection().isPresent()) {
            Rejection rejection = result.rejection().get();
            pages.heading("Cannot analyse this image");
            pages.paragraph(rejection.reason(), 10);
            pages.paragraph("What to upload instead: " + rejection.suggestion(), 10);
            pages.paragraph("No findings are given: the models' answers for such an image would not be reliable.", 9);
            pages.gap(4);
            pages.pictures(contents.pictures(), pictureHeight);
            return;
        }

        ResultSummary summary = ResultSummary.of(result);
        pages.heading("Summary");
        pages.paragraph(summary.headline(), pages.bold, 10.5f, java.awt.Color.BLACK);
        if (summary.possibleLine().isPresent()) {
            paragraph(pages, summary.possibleLine().get(), 9.5f);
        }
        if (summary.anyPositive()) {
            paragraph(pages, summary.normalStatement(), 9.5f);
        }
        List<ResultSummary.Uncertainty> uncertainties = summary.uncertainties();
        if (!uncertainties.isEmpty()) {
            paragraph(pages, "Uncertain: " + String.join(" ", uncertainties.stream()
                    .map(u -> u.chip() + ": " + u.explanation()).toList()), 8.5f);
        }

        pages.heading("Findings: the models' result and the clinician's verdict");
        // PPV says how often a positive call is right: a column only where some call is positive.
        pages.table(summary.anyPositive() ? new float[] {130, 55, 50, 130, 35, 115} : new float[] {130, 55, 50, 165, 115},
                findingRows(summary, contents.review()), true, 8.5f);
        pages.paragraph(CALLS, pages.regular, 7.5f, PdfPages.MUTED);
        String accuracy = String.join("; ", summary.findings().stream().filter(Finding::positive)
                .map(AnalysisReport::accuracyLine).flatMap(Optional::stream).toList());
        if (!accuracy.isEmpty()) {
            pages.paragraph("On validation X-rays: " + accuracy + ".", pages.regular, 7.5f, PdfPages.MUTED);
        }

        pages.heading("Clinician's review");
        if (contents.review().isPresent()) {
            Review review = contents.review().get();
            paragraph(pages, "Reviewed by " + review.reviewer() + " on " + review.when() + ": "
                    + reviewCounts(review, result) + ".", 9.5f);
            paragraph(pages, "Clinician's note: " + review.note().orElse("none."), 9.5f);
        } else {
            paragraph(pages, result.ownerId().isPresent()
                    ? "Not reviewed yet: no finding has been confirmed or rejected, and there is no note."
                    : "Not reviewed: an analysis made without signing in has no clinician's review.", 9.5f);
        }

        pages.heading(contents.pictures().size() == 1 && !summary.anyPositive() ? "The X-ray"
                : "Heatmaps of the positive findings");
        pages.pictures(contents.pictures(), pictureHeight);
        if (summary.anyPositive()) {
            List<Finding> positive = new ArrayList<>(summary.positives());
            positive.addAll(summary.possible());
            if (positive.size() > MAX_HEATMAPS) {
                paragraph(pages, "The heatmaps of the other " + Numbers.count(positive.size() - MAX_HEATMAPS,
                        "positive finding", "positive findings") + " are on the result page.", 8);
            }
            pages.scale(ramp(), "weaker", "stronger", HEATMAP_LEGEND);
        }

        AnomalyScore anomaly = result.anomaly();
        pages.heading("How unusual is this image?");
        paragraph(pages, "More unusual than " + Math.round(anomaly.percentile()) + "% of normal X-rays. "
                + AnomalyPanel.interpretation(anomaly.percentile()) + String.format(java.util.Locale.ROOT,
                " (Reconstruction error percentile %.0f, KL divergence percentile %.0f.)", anomaly.msePercentile(),
                anomaly.klPercentile()), 8.5f);
    }

    private static void paragraph(PdfPages pages, String text, float size) throws IOException {
        pages.paragraph(text, size);
    }

    private static List<List<PdfPages.Cell>> facts(Contents contents) {
        AnalysisResult result = contents.result();
        String image = result.image().format() + ", " + result.image().width() + " x " + result.image().height()
                + " pixels" + (result.fileName().isBlank() ? "" : ", " + result.fileName());
        List<String[]> left = new ArrayList<>();
        left.add(new String[] {"Patient", contents.patient().orElse("Not recorded")});
        left.add(new String[] {"Study date", result.studyDate().map(Dates::date).orElse("Not given")});
        left.add(new String[] {"Analysed", Dates.dateTime(result.createdAt())});
        left.add(new String[] {"Image", image});
        List<String[]> right = new ArrayList<>();
        right.add(new String[] {"Analysis id", result.publicId()});
        right.add(new String[] {"Model", result.model().name() + " " + result.model().version()});
        result.note().ifPresent(note -> right.add(new String[] {"Upload note", note}));
        right.add(new String[] {"Access", result.expiresAt()
                .map(t -> "Anyone with the link, until " + Dates.dateTime(t))
                .orElse("Only the clinician who made it, signed in")});
        List<List<PdfPages.Cell>> rows = new ArrayList<>();
        for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
            String[] l = i < left.size() ? left.get(i) : new String[] {"", ""};
            String[] r = i < right.size() ? right.get(i) : new String[] {"", ""};
            rows.add(List.of(PdfPages.Cell.bold(l[0]), PdfPages.Cell.of(l[1]), PdfPages.Cell.bold(r[0]),
                    PdfPages.Cell.of(r[1])));
        }
        return rows;
    }

    private static List<List<PdfPages.Cell>> findingRows(ResultSummary summary, Optional<Review> review) {
        boolean ppv = summary.anyPositive();
        List<List<PdfPages.Cell>> rows = new ArrayList<>();
        List<PdfPages.Cell> header = new ArrayList<>(List.of(PdfPages.Cell.bold("Finding"),
                PdfPages.Cell.bold("Probability"), PdfPages.Cell.bold("Threshold"), PdfPages.Cell.bold("Models say")));
        if (ppv) {
            header.add(PdfPages.Cell.bold("PPV"));
        }
        header.add(PdfPages.Cell.bold("Clinician"));
        rows.add(header);
        List<Finding> findings = new ArrayList<>(summary.findings());
        summary.normal().ifPresent(findings::add);
        for (Finding f : findings) {
            List<String> flags = new ArrayList<>();
            if (f.membersDisagree()) {
                flags.add("models disagree");
            }
            if (f.borderline()) {
                flags.add("borderline");
            }
            String name = f.label() + (f.normal() ? " (study-level)" : "")
                    + (flags.isEmpty() ? "" : " [" + String.join(", ", flags) + "]");
            String call = f.callText() + (f.flaggedForReview() ? ", flagged for review" : "");
            String verdict = review.flatMap(r -> Optional.ofNullable(r.verdicts().get(f.code()))).map(Verdict::label)
                    .orElse("Not reviewed");
            boolean strong = f.positive() && !f.normal();
            List<PdfPages.Cell> row = new ArrayList<>(List.of(new PdfPages.Cell(name, strong, java.awt.Color.BLACK),
                    PdfPages.Cell.of(f.probabilityText()), PdfPages.Cell.of(Numbers.percent(f.threshold())),
                    new PdfPages.Cell(call, strong, java.awt.Color.BLACK)));
            if (ppv) {
                // How often such a positive call is right: said where the call is positive, where it matters.
                row.add(PdfPages.Cell.of(f.positive()
                        ? f.validationAccuracy().map(a -> Numbers.percent(a.ppv())).orElse("-") : ""));
            }
            row.add(new PdfPages.Cell(verdict, !"Not reviewed".equals(verdict), java.awt.Color.BLACK));
            rows.add(row);
        }
        return rows;
    }

    private static Optional<String> accuracyLine(Finding f) {
        return f.validationAccuracy().map(a -> f.label() + " sensitivity " + Numbers.percent(a.sensitivity())
                + ", specificity " + Numbers.percent(a.specificity()) + ", PPV " + Numbers.percent(a.ppv()) + " ("
                + a.positives() + " of " + (a.positives() + a.negatives())
                + (a.population() == null ? "" : ", " + a.population()) + ")");
    }

    private static String reviewCounts(Review review, AnalysisResult result) {
        long confirmed = review.verdicts().values().stream().filter(v -> v == Verdict.CONFIRMED).count();
        long rejected = review.verdicts().values().stream().filter(v -> v == Verdict.REJECTED).count();
        long open = result.findings().size() - confirmed - rejected;
        return Numbers.count(confirmed, "finding", "findings") + " confirmed, " + rejected + " rejected, "
                + open + " not reviewed";
    }

    /**
     * The heatmap colours from weaker to stronger, drawn by the heatmaps' own code ({@link Overlays#blend}): blended
     * over black and over white, which gives each value's colour at full strength and its opacity; where the overlay
     * is transparent (little evidence) the scale is left light grey, as the X-ray is left uncoloured.
     */
    private static BufferedImage ramp() {
        int n = 256;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i / (float) (n - 1);
        }
        byte[] overBlack = Overlays.blend(new GreyImage(n, 1, new byte[n]), values);
        byte[] white = new byte[n];
        java.util.Arrays.fill(white, (byte) 255);
        byte[] overWhite = Overlays.blend(new GreyImage(n, 1, white), values);
        BufferedImage image = new BufferedImage(n, 1, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < n; i++) {
            // over black: alpha * c; over white: alpha * c + (1 - alpha) * 255
            double alpha = 1 - ((overWhite[3 * i] & 0xff) - (overBlack[3 * i] & 0xff)) / 255.0;
            int rgb = 0xdddddd;
            if (alpha > 0.02) {
                int r = (int) Math.min(255, Math.round((overBlack[3 * i] & 0xff) / alpha));
                int g = (int) Math.min(255, Math.round((overBlack[3 * i + 1] & 0xff) / alpha));
                int b = (int) Math.min(255, Math.round((overBlack[3 * i + 2] & 0xff) / alpha));
                rgb = (r << 16) | (g << 8) | b;
            }
            image.setRGB(i, 0, rgb);
        }
        return image;
    }

    /** The model's own disclaimer too, unless it only says again that this is not a diagnosis. */
    private static String disclaimer(AnalysisResult result) {
        String text = result.model().disclaimer();
        return text == null || text.isBlank() || text.toLowerCase(java.util.Locale.ROOT).contains("not a medical diagnosis")
                ? "" : " " + text;
    }

    private static BufferedImage decode(ImageBytes bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes.bytes()));
            if (image == null) {
                throw new IOException("Unreadable " + bytes.mediaType());
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
