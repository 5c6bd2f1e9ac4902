package org.chestlens.imaging;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Images the tests make: never dataset images. */
public final class TestImages {

    private TestImages() {
    }

    /** A chest-like phantom: body, two dark lung fields, heart, spine, ribs, noise. */
    public static BufferedImage phantomChest(int w, int h, long seed) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(8, 8, 8));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(150, 150, 150));
        g.fillOval((int) (0.06 * w), (int) (0.02 * h), (int) (0.88 * w), (int) (1.23 * h));
        g.setColor(new Color(55, 55, 55));
        g.fillOval((int) (0.14 * w), (int) (0.12 * h), (int) (0.33 * w), (int) (0.78 * h));
        g.setColor(new Color(60, 60, 60));
        g.fillOval((int) (0.53 * w), (int) (0.12 * h), (int) (0.33 * w), (int) (0.78 * h));
        g.setColor(new Color(175, 175, 175));
        g.fillOval((int) (0.40 * w), (int) (0.45 * h), (int) (0.30 * w), (int) (0.43 * h));
        g.setColor(new Color(190, 190, 190));
        g.fillRect((int) (0.46 * w), 0, (int) (0.08 * w), h);
        g.setColor(new Color(120, 120, 120));
        g.setStroke(new BasicStroke(Math.max(2, w / 80f)));
        for (int i = 0; i < 7; i++) {
            int y = (int) ((0.16 + 0.10 * i) * h);
            g.drawArc((int) (0.12 * w), y - h / 13, (int) (0.38 * w), h / 5, 190, 160);
            g.drawArc((int) (0.50 * w), y - h / 13, (int) (0.38 * w), h / 5, 190, 160);
        }
        g.dispose();
        byte[] px = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        Random rnd = new Random(seed);
        for (int i = 0; i < px.length; i++) {
            int v = (px[i] & 0xff) + (int) Math.round(rnd.nextGaussian() * 4);
            px[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return image;
    }

    /** A colourful pattern: certainly not an X-ray. */
    public static BufferedImage colourPattern(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = x * 255 / (w - 1);
                int gr = y * 255 / (h - 1);
                int b = ((x / 20 + y / 20) % 2) * 200 + 30;
                image.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return image;
    }

    public static BufferedImage uniform(int w, int h, int level) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        java.util.Arrays.fill(((DataBufferByte) image.getRaster().getDataBuffer()).getData(), (byte) level);
        return image;
    }

    public static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    public static byte[] jpeg(BufferedImage image) {
        return encode(image, "jpeg");
    }

    /** A PNG whose chunks are intact but whose compressed pixel data is garbage: only decoding can tell. */
    public static byte[] damagedPixelData(byte[] png) {
        byte[] out = png.clone();
        int idat = 8;
        while (!(out[idat + 4] == 'I' && out[idat + 5] == 'D' && out[idat + 6] == 'A' && out[idat + 7] == 'T')) {
            idat += 12 + (((out[idat] & 0xff) << 24) | ((out[idat + 1] & 0xff) << 16) | ((out[idat + 2] & 0xff) << 8) | (out[idat + 3] & 0xff));
        }
        for (int i = idat + 8; i < idat + 8 + 64; i++) {
            out[i] ^= 0x5a;
        }
        return out;
    }

    public static GreyImage grey(BufferedImage image) {
        return Rasters.toGrey(image).image();
    }

    private static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
