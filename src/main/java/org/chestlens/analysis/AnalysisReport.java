package org.chestlens.analysis;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.springframework.stereotype.Service;

/**
 * The PDF report of one analysis (Apache PDFBox): patient reference, study date, the X-ray with the
 * heatmap the reader had selected, findings with thresholds, anomaly summary, model version and the
 * disclaimer. The link id is deliberately not printed: for anonymous analyses it is the key to the result.
 */
@Service
public class AnalysisReport {

    /**
     * What the reader chose on screen, so the report shows the same.
     *
     * @param patientLabel   the patient's reference (and name), if the analysis belongs to one
     * @param heatmapFinding the finding whose heatmap to show; empty for the plain X-ray
     * @param opacity        heatmap opacity 0..1
     */
    public record Options(Optional<String> patientLabel, Optional<String> heatmapFinding, double opacity) {
    }

    private static final float MARGIN = 48;
    private static final float WIDTH = PDRectangle.A4.getWidth();
    private static final float HEIGHT = PDRectangle.A4.getHeight();
    private static final int MAX_IMAGE_SIDE = 1400;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.UK);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm z", Locale.UK);

    private final AnalysisService analysisService;
    private final Clock clock;

    AnalysisReport(AnalysisService analysisService, Clock clock) {
        this.analysisService = analysisService;
        this.clock = clock;
    }

    /** The report, if the analysis exists and the requester may see it. */
    public Optional<byte[]> pdf(String publicId, Optional<Long> requesterId, Options options) {
        return analysisService.find(publicId, requesterId).map(result -> render(result, requesterId, options));
    }

    /** "chestlens-report-2026-01-05.pdf": names the study, not the link. */
    public static String fileName(AnalysisResult result) {
        return "chestlens-report-" + result.studyDate().map(Object::toString)
                .orElse(result.createdAt().atZone(ZoneId.systemDefault()).toLocalDate().toString()) + ".pdf";
    }

    private byte[] render(AnalysisResult result, Optional<Long> requesterId, Options options) {
        try (PDDocument document = new PDDocument()) {
            PDDocumentInformation info = document.getDocumentInformation();
            info.setTitle("ChestLens analysis report");
            info.setCreator("ChestLens");
            Writer writer = new Writer(document);
            writer.title("ChestLens analysis report");
            writer.notice(disclaimer(result));

            writer.fact("Patient", options.patientLabel().orElse("Not recorded"));
            writer.fact("Study date", result.studyDate().map(DATE::format).orElse("Not given"));
            writer.fact("Analysed", DATE_TIME.format(result.createdAt().atZone(ZoneId.systemDefault())));
            writer.fact("Image", result.image().format() + ", " + result.image().width() + " x " + result.image().height()
                    + " pixels" + (result.fileName().isBlank() ? "" : ", file " + result.fileName()));
            if (result.note().isPresent()) {
                writer.fact("Note", result.note().get());
            }
            writer.fact("Model", result.model().name() + " " + result.model().version());
            writer.gap(8);

            Optional<Finding> heatmapFinding = result.completed()
                    ? options.heatmapFinding().flatMap(result::finding).filter(f -> result.heatmapFindings().contains(f.code()))
                    : Optional.empty();
            Optional<BufferedImage> picture = picture(result, requesterId, heatmapFinding, options.opacity());
            if (picture.isPresent()) {
                writer.image(picture.get(), heatmapFinding
                        .map(f -> "Heatmap: " + f.label() + " at " + Math.round(options.opacity() * 100) + "% opacity. "
                                  + "Warm colours mark the regions that raised this finding's probability most.")
                        .orElse("The X-ray as analysed (identifying metadata removed)."));
            }

            if (result.rejection().isPresent()) {
                Rejection rejection = result.rejection().get();
                writer.heading("Cannot analyse this image");
                writer.paragraph(rejection.reason());
                writer.paragraph("What to upload instead: " + rejection.suggestion());
            } else {
                writer.heading("Findings");
                writer.table(new float[] {200, 90, 90, 110},
                        List.of("Finding", "Probability", "Threshold", "Result"),
                        result.findings().stream().map(f -> List.of(f.label(), f.probabilityText(),
                                FindingsTable.percent(f.threshold()), !f.applicable() ? "not applicable"
                                        : f.positive() ? "POSITIVE" : "negative")).toList());
                writer.small("A finding is positive when its probability reaches its threshold, chosen on validation data "
                        + "to balance sensitivity and specificity. Findings the models cannot report reliably are not shown.");
                List<String> conditions = result.findings().stream().filter(f -> f.condition() != null)
                        .map(f -> f.label() + ": " + f.condition().replaceAll("\\.$", ""))
                        .toList();
                if (!conditions.isEmpty()) {
                    writer.small(String.join("; ", conditions) + ".");
                }
                if (!result.confirmedFindings().isEmpty()) {
                    writer.paragraph("Confirmed by the clinician: " + String.join(", ", result.confirmedFindings().stream()
                            .map(code -> result.finding(code).map(Finding::label).orElse(code)).toList()) + ".");
                }
            }

            // Not for refused images: "how unusual compared with normal X-rays" would mislead there.
            if (result.completed()) {
                AnomalyScore anomaly = result.anomaly();
                writer.heading("How unusual is this image?");
                writer.paragraph("More unusual than " + Math.round(anomaly.percentile()) + "% of normal X-rays. "
                        + AnomalyPanel.interpretation(anomaly.percentile()));
                writer.small(String.format(Locale.ROOT, "Reconstruction error (MSE) %.5f, percentile %.0f; KL divergence %.2f, "
                                + "percentile %.0f; negative ELBO %.1f, percentile %.0f.", anomaly.mse(), anomaly.msePercentile(),
                        anomaly.kl(), anomaly.klPercentile(), anomaly.negElbo(), anomaly.negElboPercentile()));
            }

            // The disclaimer opens the report and closes every page (in the footer), without a page of its own.
            writer.footer(disclaimer(result), "Generated " + DATE_TIME.format(clock.instant().atZone(ZoneId.systemDefault()))
                    + " by ChestLens, model " + result.model().name() + " " + result.model().version() + ".");
            writer.close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the PDF report", e);
        }
    }

    private static String disclaimer(AnalysisResult result) {
        String text = result.model().disclaimer();
        return text == null || text.isBlank()
                ? "Decision support for education and research, not a medical diagnosis." : text;
    }

    /** The X-ray, with the chosen heatmap blended in as on screen: (1 - opacity) * X-ray + opacity * heatmap. */
    private Optional<BufferedImage> picture(AnalysisResult result, Optional<Long> requesterId, Optional<Finding> finding,
                                            double opacity) {
        Optional<BufferedImage> base = analysisService.image(result.publicId(), requesterId).map(AnalysisReport::decode);
        if (base.isEmpty()) {
            return Optional.empty();
        }
        BufferedImage image = scaled(base.get(), MAX_IMAGE_SIDE);
        if (finding.isEmpty() || opacity <= 0) {
            return Optional.of(image);
        }
        Optional<BufferedImage> heat = analysisService.heatmap(result.publicId(), requesterId, finding.get().code())
                .map(AnalysisReport::decode);
        if (heat.isEmpty()) {
            return Optional.of(image);
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, null);
        g.setComposite(java.awt.AlphaComposite.getInstance(java.awt.AlphaComposite.SRC_OVER, (float) Math.min(1, opacity)));
        g.drawImage(heat.get(), 0, 0, image.getWidth(), image.getHeight(), null);
        g.dispose();
        return Optional.of(out);
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

    private static BufferedImage scaled(BufferedImage image, int maxSide) {
        double scale = Math.min(1.0, maxSide / (double) Math.max(image.getWidth(), image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, w, h);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** Top-to-bottom text layout across as many A4 pages as needed. */
    private static final class Writer {
        private final PDDocument document;
        private final PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        private final PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        private final List<PDPageContentStream> streams = new ArrayList<>();
        private PDPageContentStream content;
        private float y;

        Writer(PDDocument document) throws IOException {
            this.document = document;
            newPage();
        }

        private void newPage() throws IOException {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            content = new PDPageContentStream(document, page);
            streams.add(content);
            y = HEIGHT - MARGIN;
        }

        private void ensure(float height) throws IOException {
            if (y - height < MARGIN + 20) {
                newPage();
            }
        }

        void title(String text) throws IOException {
            line(text, bold, 18, 0);
            gap(4);
        }

        void heading(String text) throws IOException {
            gap(8);
            ensure(40);
            line(text, bold, 13, 0);
            gap(2);
        }

        void fact(String label, String value) throws IOException {
            List<String> lines = wrap(value, regular, 10, WIDTH - 2 * MARGIN - 90);
            ensure(14 * lines.size());
            text(label, bold, 10, MARGIN, y - 10);
            for (String l : lines) {
                text(l, regular, 10, MARGIN + 90, y - 10);
                y -= 14;
            }
        }

        void paragraph(String text) throws IOException {
            for (String l : wrap(text, regular, 10.5f, WIDTH - 2 * MARGIN)) {
                line(l, regular, 10.5f, 0);
            }
            gap(2);
        }

        void small(String text) throws IOException {
            for (String l : wrap(text, regular, 8.5f, WIDTH - 2 * MARGIN)) {
                line(l, regular, 8.5f, 0);
            }
            gap(2);
        }

        void notice(String text) throws IOException {
            List<String> lines = wrap(text, bold, 10, WIDTH - 2 * MARGIN - 16);
            float h = 14 * lines.size() + 10;
            ensure(h + 6);
            content.setNonStrokingColor(new Color(230, 241, 244));
            content.addRect(MARGIN, y - h, WIDTH - 2 * MARGIN, h);
            content.fill();
            content.setNonStrokingColor(Color.BLACK);
            float ty = y - 5;
            for (String l : lines) {
                text(l, bold, 10, MARGIN + 8, ty - 10);
                ty -= 14;
            }
            y -= h + 8;
        }

        void image(BufferedImage image, String caption) throws IOException {
            float maxW = WIDTH - 2 * MARGIN;
            float maxH = 340;
            float scale = Math.min(maxW / image.getWidth(), maxH / image.getHeight());
            float w = image.getWidth() * scale;
            float h = image.getHeight() * scale;
            ensure(h + 30);
            PDImageXObject xobject = JPEGFactory.createFromImage(document, image, 0.9f);
            content.drawImage(xobject, MARGIN + (maxW - w) / 2, y - h, w, h);
            y -= h + 4;
            small(caption);
        }

        void table(float[] widths, List<String> header, List<List<String>> rows) throws IOException {
            ensure(18 * Math.min(rows.size() + 1, 6));
            row(widths, header, bold);
            content.setLineWidth(0.5f);
            content.moveTo(MARGIN, y + 3);
            content.lineTo(MARGIN + sum(widths), y + 3);
            content.stroke();
            for (List<String> r : rows) {
                ensure(16);
                row(widths, r, "POSITIVE".equals(r.get(r.size() - 1)) ? bold : regular);
            }
            gap(4);
        }

        private void row(float[] widths, List<String> cells, PDType1Font font) throws IOException {
            float x = MARGIN;
            for (int i = 0; i < cells.size(); i++) {
                text(cells.get(i), font, 10, x, y - 11);
                x += widths[i];
            }
            y -= 16;
        }

        void footer(String disclaimer, String text) throws IOException {
            int pages = streams.size();
            for (int i = 0; i < pages; i++) {
                PDPageContentStream s = streams.get(i);
                s.beginText();
                s.setFont(bold, 8);
                s.newLineAtOffset(MARGIN, MARGIN - 8);
                s.showText(safe(disclaimer, bold));
                s.endText();
                s.beginText();
                s.setFont(regular, 8);
                s.newLineAtOffset(MARGIN, MARGIN - 20);
                s.showText(safe(text + "  Page " + (i + 1) + " of " + pages, regular));
                s.endText();
            }
        }

        void gap(float points) {
            y -= points;
        }

        private void line(String text, PDType1Font font, float size, float indent) throws IOException {
            ensure(size * 1.4f);
            text(text, font, size, MARGIN + indent, y - size);
            y -= size * 1.4f;
        }

        private void text(String text, PDType1Font font, float size, float x, float baseline) throws IOException {
            content.beginText();
            content.setFont(font, size);
            content.newLineAtOffset(x, baseline);
            content.showText(safe(text, font));
            content.endText();
        }

        void close() throws IOException {
            for (PDPageContentStream s : streams) {
                s.close();
            }
        }

        private static float sum(float[] values) {
            float total = 0;
            for (float v : values) {
                total += v;
            }
            return total;
        }

        /** The standard PDF fonts only know Latin-1-like characters: anything else becomes "?", not an error. */
        static String safe(String text, PDType1Font font) {
            StringBuilder out = new StringBuilder();
            text.replace('\u2212', '-').replace("\u2265", ">=").replace("\u2264", "<=").codePoints().forEach(cp -> {
                String ch = new String(Character.toChars(cp));
                if (Character.isISOControl(cp)) {
                    out.append(' ');
                    return;
                }
                try {
                    font.encode(ch);
                    out.append(ch);
                } catch (IOException | IllegalArgumentException e) {
                    out.append('?');
                }
            });
            return out.toString();
        }

        static List<String> wrap(String text, PDType1Font font, float size, float width) throws IOException {
            List<String> lines = new ArrayList<>();
            for (String paragraph : text.split("\\R")) {
                StringBuilder line = new StringBuilder();
                for (String word : paragraph.split(" ")) {
                    // A word wider than the line (a long file name) is cut where it must be.
                    while (width(word, font, size) > width && word.length() > 1) {
                        int cut = word.length() - 1;
                        while (cut > 1 && width(word.substring(0, cut), font, size) > width) {
                            cut--;
                        }
                        if (!line.isEmpty()) {
                            lines.add(line.toString());
                            line = new StringBuilder();
                        }
                        lines.add(word.substring(0, cut));
                        word = word.substring(cut);
                    }
                    String candidate = line.isEmpty() ? word : line + " " + word;
                    if (width(candidate, font, size) > width && !line.isEmpty()) {
                        lines.add(line.toString());
                        line = new StringBuilder(word);
                    } else {
                        line = new StringBuilder(candidate);
                    }
                }
                lines.add(line.toString());
            }
            return lines;
        }

        private static float width(String text, PDType1Font font, float size) throws IOException {
            return font.getStringWidth(safe(text, font)) / 1000 * size;
        }
    }
}
