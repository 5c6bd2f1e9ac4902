package org.chestlens.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Reads an upload: checks the limits (size first, then the pixel count from the header, before any pixel is
 * decoded), decodes PNG, JPEG or DICOM to the grey image the models see, and keeps a copy without metadata.
 */
@Component
public class ImageDecoder {

    static {
        // ImageIO's default temp-file cache nearly doubles decode time; everything here is in memory anyway.
        ImageIO.setUseCache(false);
    }

    private final ImageLimits limits;

    @Autowired
    ImageDecoder(@Value("${chestlens.upload.max-bytes:30MB}") DataSize maxBytes,
                 @Value("${chestlens.upload.max-pixels:50000000}") long maxPixels,
                 @Value("${chestlens.upload.min-side:64}") int minSide) {
        this(new ImageLimits(maxBytes.toBytes(), maxPixels, minSide));
    }

    public ImageDecoder(ImageLimits limits) {
        this.limits = limits;
    }

    public ImageLimits limits() {
        return limits;
    }

    /**
     * @throws InvalidImageException with a message for the uploader when the image is refused
     */
    public DecodedImage decode(byte[] bytes) {
        try {
            return switch (format(bytes)) {
                case PNG -> png(bytes);
                case JPEG -> jpeg(bytes);
                case DICOM -> dicom(bytes);
            };
        } catch (OutOfMemoryError e) {
            // Only this decode's arrays were being filled: they are garbage now, and the server carries on.
            throw InvalidImageException.busy(e);
        }
    }

    /**
     * What is known of an upload before any pixel is decoded: its format, the copy to keep where that needs
     * no decoding (PNG up to 8 bits, JPEG: the upload without metadata), and the heap its analysis will need
     * at the peak ({@link #workingBytes}).
     */
    public record Inspection(ImageFormat format, Optional<EncodedImage> copyToKeep, long workingBytes) {
    }

    /**
     * Heap bytes per pixel that analysing an image takes beyond decoding it: the grey image (1), the PNG copy to keep
     * of a 16-bit or DICOM image (the encoder's filtered rows and output, about 2.3), and a float copy of the image (4)
     * for a model whose resize rule is not "stretch" (the release's members resize straight from the bytes).
     */
    static final int ANALYSIS_BYTES_PER_PIXEL = 8;

    /**
     * The checks that need only the bytes and the header (size, format, pixel count, JPEG coding), so that a caller
     * can start other work, e.g. storing the upload, while {@link #decode} runs. Decoding can still refuse the image.
     *
     * @throws InvalidImageException with a message for the uploader when the image is refused
     */
    public Inspection inspect(byte[] bytes) {
        ImageFormat format = format(bytes);
        return switch (format) {
            case PNG -> {
                PngChunks.Header header = PngChunks.header(bytes);
                checkSize(header.width(), header.height(), limits);
                yield new Inspection(format, header.bitDepth() == 16 ? Optional.empty()
                        : Optional.of(new EncodedImage(PngChunks.strip(bytes), format.mediaType())),
                        workingBytes(bytes, (long) header.width() * header.height(), pngDecodeBytesPerPixel(header, bytes)));
            }
            case JPEG -> {
                JpegSegments.Header header = JpegSegments.header(bytes);
                checkJpeg(header);
                // ImageIO's raster: one byte per component and pixel.
                yield new Inspection(format, browsersShow(header)
                        ? Optional.of(new EncodedImage(JpegSegments.strip(bytes), format.mediaType())) : Optional.empty(),
                        workingBytes(bytes, (long) header.width() * header.height(), header.components()));
            }
            case DICOM -> {
                long samples = DicomDecoder.samples(bytes);
                // Unknown size: as much as the largest image allowed, in colour.
                long pixels = samples > 0 ? samples : limits.maxPixels() * 3;
                // The decoder's int arrays (raw, masked, rescaled: 4 bytes each) and the decoded frame, per sample.
                yield new Inspection(format, Optional.empty(), workingBytes(bytes, pixels, DICOM_DECODE_BYTES_PER_SAMPLE));
            }
        };
    }

    private static final int DICOM_DECODE_BYTES_PER_SAMPLE = 14;

    /**
     * Peak heap to analyse an upload: the upload and its stripped copy, what decoding holds beyond the grey image,
     * and {@link #ANALYSIS_BYTES_PER_PIXEL}. An estimate from the header, for the memory admission; README,
     * "Reliability", gives the figures.
     */
    private static long workingBytes(byte[] bytes, long pixels, int decodeBytesPerPixel) {
        return 2L * bytes.length + pixels * (decodeBytesPerPixel + ANALYSIS_BYTES_PER_PIXEL);
    }

    private static int pngDecodeBytesPerPixel(PngChunks.Header header, byte[] bytes) {
        if (FastPng.handles(header, bytes)) {
            return FastPng.extraBytesPerPixel(header);
        }
        // ImageIO's raster (palette and 1/2/4-bit: one byte a pixel at most), and at 16 bits the int samples of
        // the min-max stretch.
        int channels = switch (header.colourType()) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
        };
        return header.bitDepth() == 16 ? channels * 2 + 4 : channels;
    }

    private ImageFormat format(byte[] bytes) {
        if (bytes.length == 0) {
            throw new InvalidImageException(ImageProblem.EMPTY, "The file is empty.");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new InvalidImageException(ImageProblem.TOO_LARGE, String.format(Locale.ROOT,
                    "The file is %.1f MB; the limit is %.0f MB. Please upload a smaller export of the X-ray.",
                    bytes.length / 1048576.0, limits.maxBytes() / 1048576.0));
        }
        return ImageFormat.detect(bytes).orElseThrow(() -> unsupported(bytes));
    }

    private DecodedImage png(byte[] bytes) {
        PngChunks.Header header = PngChunks.header(bytes);
        checkSize(header.width(), header.height(), limits);
        Rasters.Grey grey = FastPng.handles(header, bytes) ? FastPng.decode(bytes, header)
                : Rasters.toGrey(readWithImageIo(bytes, "PNG image"));
        checkDecoded(grey.image(), header.width(), header.height());
        int depth = header.bitDepth();
        // 16-bit PNGs are kept as the 8-bit rendering the models saw: browsers would show them differently.
        java.util.function.Supplier<EncodedImage> clean = depth == 16
                ? DecodedImage.once(() -> new EncodedImage(PngEncoder.grey(grey.image(), PngEncoder.FAST), ImageFormat.PNG.mediaType()))
                : DecodedImage.once(() -> new EncodedImage(PngChunks.strip(bytes), ImageFormat.PNG.mediaType()));
        return new DecodedImage(ImageFormat.PNG, grey.image(), grey.saturation(), depth, clean);
    }

    private DecodedImage jpeg(byte[] bytes) {
        JpegSegments.Header header = JpegSegments.header(bytes);
        checkJpeg(header);
        // TwelveMonkeys' reader (registered ahead of the JDK's, to which it hands plain JPEG: the same pixels on 306 of
        // 306 JPEGs of the training data) also reads CMYK/YCCK and lossless JPEG.
        Rasters.Grey grey = Rasters.toGrey(readWithImageIo(bytes, "JPEG image"));
        checkDecoded(grey.image(), header.width(), header.height());
        // Lossless and CMYK JPEG are kept as the grey rendering the models saw: browsers show neither.
        java.util.function.Supplier<EncodedImage> clean = browsersShow(header)
                ? DecodedImage.once(() -> new EncodedImage(JpegSegments.strip(bytes), ImageFormat.JPEG.mediaType()))
                : DecodedImage.once(() -> new EncodedImage(PngEncoder.grey(grey.image(), PngEncoder.FAST), ImageFormat.PNG.mediaType()));
        return new DecodedImage(ImageFormat.JPEG, grey.image(), grey.saturation(), header.precision() > 8 ? 16 : 8, clean);
    }

    private static boolean browsersShow(JpegSegments.Header header) {
        return header.process() != 0xc3 && header.components() != 4;
    }

    private void checkJpeg(JpegSegments.Header header) {
        checkSize(header.width(), header.height(), limits);
        int process = header.process();
        if (process != 0xc0 && process != 0xc1 && process != 0xc2 && process != 0xc3) {
            throw new InvalidImageException(ImageProblem.UNSUPPORTED_FORMAT, "This JPEG uses arithmetic or hierarchical "
                    + "coding, which this server cannot read. Please upload a standard JPEG, a PNG or the DICOM file.");
        }
        if (process != 0xc3 && header.precision() != 8) {
            throw new InvalidImageException(ImageProblem.UNSUPPORTED_FORMAT, "This JPEG is " + header.precision()
                    + "-bit lossy, which this server cannot read. Please upload a standard JPEG, a PNG or the DICOM file.");
        }
    }

    private DecodedImage dicom(byte[] bytes) {
        DicomDecoder.Result result = DicomDecoder.decode(bytes, limits);
        // Rendered afresh: no DICOM tag survives into what we store. Fast deflate: this is on every upload's path.
        return new DecodedImage(ImageFormat.DICOM, result.grey(), result.saturation(), result.bitDepth(),
                DecodedImage.once(() -> new EncodedImage(PngEncoder.grey(result.grey(), PngEncoder.FAST),
                        ImageFormat.PNG.mediaType())));
    }

    static void checkSize(int width, int height, ImageLimits limits) {
        long pixels = (long) width * height;
        if (pixels > limits.maxPixels()) {
            throw new InvalidImageException(ImageProblem.TOO_MANY_PIXELS, String.format(Locale.ROOT,
                    "The image is %d x %d pixels (%.1f megapixels); the limit is %.1f megapixels. "
                            + "Please upload a smaller export.", width, height, pixels / 1e6, limits.maxPixels() / 1e6));
        }
        if (Math.min(width, height) < limits.minSide()) {
            throw new InvalidImageException(ImageProblem.TOO_SMALL, String.format(Locale.ROOT,
                    "The image is only %d x %d pixels; at least %d pixels per side are needed to analyse it.",
                    width, height, limits.minSide()));
        }
    }

    private static void checkDecoded(GreyImage grey, int width, int height) {
        if (grey.width() != width || grey.height() != height) {
            throw InvalidImageException.corrupt("the decoded size does not match the header");
        }
    }

    /** Decodes with ImageIO, turning its warnings (truncated data, bad markers) into refusals. */
    static BufferedImage readWithImageIo(byte[] bytes, String what) {
        return readWithImageIo(bytes, what, reader -> reader.read(0));
    }

    /** One read from the ImageIO reader that recognises the bytes. */
    interface ImageIoRead<T> {
        T read(ImageReader reader) throws IOException;
    }

    /** Runs {@code read} on the ImageIO reader that recognises the bytes; warnings and failures become refusals. */
    static <T> T readWithImageIo(byte[] bytes, String what, ImageIoRead<T> read) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw InvalidImageException.corrupt("no reader for this " + what);
            }
            ImageReader reader = readers.next();
            AtomicReference<String> warning = new AtomicReference<>();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((IIOReadWarningListener) (source, message) -> {
                    if (!isColourManagementNotice(message)) {
                        warning.compareAndSet(null, message);
                    }
                });
                T result = read.read(reader);
                if (warning.get() != null) {
                    throw InvalidImageException.corrupt("the " + what + " is damaged (" + warning.get() + ")");
                }
                return result;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException invalid) {
                throw invalid;
            }
            // ImageIO wraps everything a reader throws, an OutOfMemoryError too ("Caught exception during read").
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof OutOfMemoryError) {
                    throw InvalidImageException.busy(e);
                }
            }
            throw new InvalidImageException(ImageProblem.CORRUPT, "The file could not be read: the " + what
                    + " is truncated or damaged. Please upload it again.", e);
        }
    }

    /**
     * TwelveMonkeys tells when it converts colour without (or around) an ICC profile, e.g. CMYK without an embedded
     * profile: the pixels are complete, so that is no damage.
     */
    private static boolean isColourManagementNotice(String message) {
        return message != null && (message.contains("ICC") || message.toLowerCase(Locale.ROOT).contains("color profile"));
    }

    private static InvalidImageException unsupported(byte[] bytes) {
        String known = knownOtherFormat(bytes);
        return new InvalidImageException(ImageProblem.UNSUPPORTED_FORMAT, (known == null
                ? "This file is not an image we can read."
                : "This is a " + known + " file, which this server does not read.")
                + " Please upload a chest X-ray as PNG, JPEG or DICOM.");
    }

    private static String knownOtherFormat(byte[] b) {
        if (b.length >= 4 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
            return "GIF";
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return "BMP";
        }
        if (b.length >= 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42) || (b[0] == 'M' && b[1] == 'M' && b[3] == 42))) {
            return "TIFF";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E') {
            return "WebP";
        }
        if (b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return "HEIC/MP4";
        }
        if (b.length >= 4 && b[0] == '%' && b[1] == 'P' && b[2] == 'D' && b[3] == 'F') {
            return "PDF";
        }
        if (b.length >= 2 && b[0] == 'P' && b[1] == 'K') {
            return "ZIP";
        }
        return null;
    }
}
