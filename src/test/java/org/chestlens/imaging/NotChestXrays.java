package org.chestlens.imaging;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Images that are not chest X-rays, made by the test (no data set needed): documents, text, patterns, noise, smooth
 * fields, gradients, shapes, a "photograph" of coloured shapes, a CT-like disc. The kinds follow
 * models/training/ood.py, on which the release gate's bounds were checked, with other random draws: a regression test
 * of the gate on these kinds, not an independent measurement (that is the dataset profile's OOD folder).
 */
public final class NotChestXrays {

    /** A named image. */
    public record Sample(String name, BufferedImage image) {
    }

    private static final String[] WORDS = {"chest", "report", "patient", "lorem", "ipsum", "dolor", "sit", "amet",
            "figure", "table", "the", "analysis", "result", "image", "data", "2020", "study", "clinical", "normal"};

    private NotChestXrays() {
    }

    public static List<Sample> generated(long seed) {
        Random random = new Random(seed);
        List<Sample> out = new ArrayList<>();
        int w = 480;
        int h = 400;
        out.add(new Sample("document", text(random, 600, 800, false)));
        out.add(new Sample("text-inverse", text(random, w, h, true)));
        out.add(new Sample("checkerboard", grey(w, h, (x, y) -> ((x / 24 + y / 24) % 2) * 255)));
        out.add(new Sample("stripes", grey(w, h, (x, y) -> (int) (127 + 127 * Math.sin(2 * Math.PI * (x * 0.8 + y * 0.6) / 30)))));
        out.add(new Sample("rings", grey(w, h, (x, y) -> (int) (127 + 127 * Math.sin(Math.hypot(x - w / 2.0, y - h / 2.0) / 6)))));
        out.add(new Sample("noise", grey(w, h, (x, y) -> random.nextInt(256))));
        out.add(new Sample("gradient", grey(w, h, (x, y) -> 40 + 180 * x / w)));
        out.add(new Sample("smooth-field", smoothField(random, w, h, 24)));
        out.add(new Sample("shapes-colour", shapes(random, w, h, true)));
        out.add(new Sample("shapes-grey", shapes(random, w, h, false)));
        out.add(new Sample("ct-disc", ctDisc(512)));
        return out;
    }

    @FunctionalInterface
    private interface Pixel {
        int at(int x, int y);
    }

    private static BufferedImage grey(int w, int h, Pixel pixel) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = Math.max(0, Math.min(255, pixel.at(x, y)));
                image.getRaster().setSample(x, y, 0, v);
            }
        }
        return image;
    }

    private static BufferedImage text(Random random, int w, int h, boolean inverse) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(inverse ? Color.BLACK : Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(inverse ? Color.WHITE : Color.BLACK);
        g.setFont(new Font(Font.SERIF, Font.PLAIN, 14 + random.nextInt(10)));
        int lineHeight = g.getFontMetrics().getHeight();
        for (int y = lineHeight; y < h; y += lineHeight) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < 4 + random.nextInt(9); i++) {
                line.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            g.drawString(line.toString(), 8 + random.nextInt(10), y);
        }
        g.dispose();
        return image;
    }

    private static BufferedImage smoothField(Random random, int w, int h, int scale) {
        int gw = w / scale + 2;
        int gh = h / scale + 2;
        double[][] grid = new double[gh][gw];
        for (double[] row : grid) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextGaussian();
            }
        }
        return grey(w, h, (x, y) -> {
            double fx = (double) x / scale;
            double fy = (double) y / scale;
            int x0 = (int) fx;
            int y0 = (int) fy;
            double tx = fx - x0;
            double ty = fy - y0;
            double v = grid[y0][x0] * (1 - tx) * (1 - ty) + grid[y0][x0 + 1] * tx * (1 - ty)
                    + grid[y0 + 1][x0] * (1 - tx) * ty + grid[y0 + 1][x0 + 1] * tx * ty;
            return (int) (128 + 60 * v);
        });
    }

    private static BufferedImage shapes(Random random, int w, int h, boolean colour) {
        BufferedImage image = new BufferedImage(w, h, colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < 20; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            int x = random.nextInt(w);
            int y = random.nextInt(h);
            int sw = 10 + random.nextInt(w / 2);
            int sh = 10 + random.nextInt(h / 2);
            if (random.nextBoolean()) {
                g.fillOval(x, y, sw, sh);
            } else {
                g.fillRect(x, y, sw, sh);
            }
        }
        g.dispose();
        return image;
    }

    /** A bright ring of "skull" around a grey disc with darker blobs on black, as a CT slice looks. */
    private static BufferedImage ctDisc(int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, side, side);
        g.setColor(new Color(110, 110, 110));
        g.fillOval(side / 8, side / 8, side * 3 / 4, side * 3 / 4);
        g.setColor(new Color(240, 240, 240));
        g.setStroke(new BasicStroke(side / 40f));
        g.drawOval(side / 8, side / 8, side * 3 / 4, side * 3 / 4);
        g.setColor(new Color(70, 70, 70));
        g.fillOval(side / 3, side / 3, side / 8, side / 5);
        g.fillOval(side / 2, side / 3, side / 8, side / 5);
        g.dispose();
        return image;
    }
}
