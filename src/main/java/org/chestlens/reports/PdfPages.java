package org.chestlens.reports;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * Top-to-bottom layout on A4 pages. It can run without drawing ({@code measuring}): the report is laid out once to
 * count pages and shrinks its pictures until a typical study fits on one page, then drawn for real.
 */
final class PdfPages {

    static final float WIDTH = PDRectangle.A4.getWidth();
    static final float HEIGHT = PDRectangle.A4.getHeight();
    static final float MARGIN = 40;
    /** Room kept at the bottom of every page for the footer. */
    static final float FOOTER = 40;
    static final float CONTENT_WIDTH = WIDTH - 2 * MARGIN;

    static final Color MUTED = new Color(80, 90, 100);
    static final Color RULE = new Color(200, 206, 212);

    /** One cell of a table row: text, its font and colour. */
    record Cell(String text, boolean bold, Color colour) {
        static Cell of(String text) {
            return new Cell(text, false, Color.BLACK);
        }

        static Cell bold(String text) {
            return new Cell(text, true, Color.BLACK);
        }
    }

    /** A picture with its caption, for a row of pictures. */
    record Picture(BufferedImage image, String caption) {
    }

    final PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    final PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    final PDType1Font italic = new PDType1Font(Standard14Fonts.FontName.HELVETICA_OBLIQUE);

    private final PDDocument document;
    private final boolean measuring;
    private final List<PDPageContentStream> streams = new ArrayList<>();
    private PDPageContentStream content;
    private int pages;
    private float y;

    /** @param document where to draw; {@code null} to only measure */
    PdfPages(PDDocument document) throws IOException {
        this.document = document;
        this.measuring = document == null;
        newPage();
    }

    int pages() {
        return pages;
    }

    private void newPage() throws IOException {
        pages++;
        y = HEIGHT - MARGIN;
        if (!measuring) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            content = new PDPageContentStream(document, page);
            streams.add(content);
        }
    }

    /** Starts a new page unless {@code height} still fits on this one. */
    void keep(float height) throws IOException {
        if (y - height < MARGIN + FOOTER) {
            newPage();
        }
    }

    void gap(float points) {
        y -= points;
    }

    void title(String text) throws IOException {
        line(text, bold, 16, Color.BLACK);
        gap(2);
    }

    void heading(String text) throws IOException {
        gap(7);
        keep(40);
        line(text, bold, 11.5f, Color.BLACK);
        gap(1);
    }

    /** Wrapped text; a paragraph too long for the rest of the page continues on the next. */
    void paragraph(String text, float size) throws IOException {
        paragraph(text, regular, size, Color.BLACK);
    }

    void paragraph(String text, PDType1Font font, float size, Color colour) throws IOException {
        for (String l : wrap(text, font, size, CONTENT_WIDTH)) {
            line(l, font, size, colour);
        }
        gap(2);
    }

    /** Bold text on a tinted band: the not-a-diagnosis line. */
    void notice(String text) throws IOException {
        List<String> lines = wrap(text, bold, 9.5f, CONTENT_WIDTH - 14);
        float h = 12.5f * lines.size() + 8;
        keep(h + 4);
        if (!measuring) {
            content.setNonStrokingColor(new Color(230, 241, 244));
            content.addRect(MARGIN, y - h, CONTENT_WIDTH, h);
            content.fill();
        }
        float baseline = y - 4 - 9.5f;
        for (String l : lines) {
            text(l, bold, 9.5f, MARGIN + 7, baseline, Color.BLACK);
            baseline -= 12.5f;
        }
        y -= h + 6;
    }

    /**
     * A table: each row's cells wrap within their column; the first row is the header when {@code header} is set
     * (ruled below). Rows never split across pages.
     */
    void table(float[] widths, List<List<Cell>> rows, boolean header, float size) throws IOException {
        float leading = size * 1.25f;
        for (int r = 0; r < rows.size(); r++) {
            List<Cell> row = rows.get(r);
            List<List<String>> wrapped = new ArrayList<>();
            int lines = 1;
            for (int c = 0; c < row.size(); c++) {
                Cell cell = row.get(c);
                List<String> cellLines = wrap(cell.text(), cell.bold() ? bold : regular, size, widths[c] - 6);
                wrapped.add(cellLines);
                lines = Math.max(lines, cellLines.size());
            }
            float h = lines * leading + 3;
            keep(h + (header && r == 0 ? leading * 2 : 0));
            float x = MARGIN;
            for (int c = 0; c < row.size(); c++) {
                float baseline = y - size;
                for (String l : wrapped.get(c)) {
                    text(l, row.get(c).bold() ? bold : regular, size, x, baseline, row.get(c).colour());
                    baseline -= leading;
                }
                x += widths[c];
            }
            y -= h;
            if ((header && r == 0) || r == rows.size() - 1) {
                rule(y + 1.5f, header && r == 0 ? 0.7f : 0.4f);
            }
        }
        gap(4);
    }

    private void rule(float at, float width) throws IOException {
        if (measuring) {
            return;
        }
        content.setStrokingColor(RULE);
        content.setLineWidth(width);
        content.moveTo(MARGIN, at);
        content.lineTo(MARGIN + CONTENT_WIDTH, at);
        content.stroke();
    }

    /** Pictures side by side, each scaled to {@code height} (narrower if the row would be too wide), captioned. */
    void pictures(List<Picture> pictures, float height) throws IOException {
        if (pictures.isEmpty()) {
            return;
        }
        float gapX = 10;
        float available = CONTENT_WIDTH - gapX * (pictures.size() - 1);
        float totalWidthAtHeight = 0;
        for (Picture p : pictures) {
            totalWidthAtHeight += height * p.image().getWidth() / (float) p.image().getHeight();
        }
        float h = totalWidthAtHeight > available ? height * available / totalWidthAtHeight : height;
        float captionSize = 8;
        int captionLines = 1;
        for (Picture p : pictures) {
            float w = h * p.image().getWidth() / (float) p.image().getHeight();
            captionLines = Math.max(captionLines, wrap(p.caption(), regular, captionSize, w).size());
        }
        float total = h + 4 + captionLines * captionSize * 1.25f;
        keep(total);
        float x = MARGIN;
        for (Picture p : pictures) {
            float w = h * p.image().getWidth() / (float) p.image().getHeight();
            if (!measuring) {
                PDImageXObject image = JPEGFactory.createFromImage(document, p.image(), 0.88f);
                content.drawImage(image, x, y - h, w, h);
            }
            float baseline = y - h - 4 - captionSize;
            for (String l : wrap(p.caption(), regular, captionSize, w)) {
                text(l, regular, captionSize, x, baseline, Color.BLACK);
                baseline -= captionSize * 1.25f;
            }
            x += w + gapX;
        }
        y -= total + 4;
    }

    /** A colour scale (an image one pixel high, stretched) with words at both ends and a caption. */
    void scale(BufferedImage ramp, String low, String high, String caption) throws IOException {
        float barWidth = 180;
        float barHeight = 8;
        List<String> captionLines = wrap(caption, regular, 7.5f, CONTENT_WIDTH - barWidth - 60);
        float h = Math.max(barHeight + 12, captionLines.size() * 9.5f);
        keep(h + 4);
        if (!measuring) {
            PDImageXObject image = LosslessFactory.createFromImage(document, ramp);
            content.drawImage(image, MARGIN + 30, y - barHeight, barWidth, barHeight);
        }
        text(low, regular, 7.5f, MARGIN, y - 7, Color.BLACK);
        text(high, regular, 7.5f, MARGIN + 30 + barWidth + 4, y - 7, Color.BLACK);
        float baseline = y - 7.5f;
        for (String l : captionLines) {
            text(l, regular, 7.5f, MARGIN + barWidth + 72, baseline, MUTED);
            baseline -= 9.5f;
        }
        y -= h + 4;
    }

    /** The not-a-diagnosis line and the generation line at the foot of every page, with page numbers. */
    void footer(String disclaimer, String generated) throws IOException {
        if (measuring) {
            return;
        }
        for (int i = 0; i < streams.size(); i++) {
            PDPageContentStream s = streams.get(i);
            draw(s, disclaimer, bold, 8, MARGIN, MARGIN - 6, Color.BLACK);
            draw(s, generated + "  Page " + (i + 1) + " of " + streams.size(), regular, 7.5f, MARGIN, MARGIN - 17, MUTED);
        }
    }

    void close() throws IOException {
        for (PDPageContentStream s : streams) {
            s.close();
        }
    }

    private void line(String text, PDType1Font font, float size, Color colour) throws IOException {
        keep(size * 1.3f);
        text(text, font, size, MARGIN, y - size, colour);
        y -= size * 1.3f;
    }

    private void text(String text, PDType1Font font, float size, float x, float baseline, Color colour) throws IOException {
        if (!measuring) {
            draw(content, text, font, size, x, baseline, colour);
        }
    }

    private static void draw(PDPageContentStream stream, String text, PDType1Font font, float size, float x,
                             float baseline, Color colour) throws IOException {
        stream.beginText();
        stream.setNonStrokingColor(colour);
        stream.setFont(font, size);
        stream.newLineAtOffset(x, baseline);
        stream.showText(safe(text, font));
        stream.endText();
    }

    /** The standard PDF fonts only know Latin-1-like characters: anything else becomes "?", not an error. */
    static String safe(String text, PDType1Font font) {
        StringBuilder out = new StringBuilder();
        text.replace('\u2212', '-').replace("\u2265", ">=").replace("\u2264", "<=").replace("\u2192", "->")
                .codePoints().forEach(cp -> {
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
                // A word wider than the line (a long file name or link) is cut where it must be.
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
