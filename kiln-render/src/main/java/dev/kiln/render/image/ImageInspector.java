package dev.kiln.render.image;

import dev.kiln.render.RenderLimits;
import dev.kiln.render.image.InvalidImageException.Reason;
import java.util.zip.CRC32;

/**
 * Checks that bytes are a whole PNG, JPEG or WebP image within the caps, without decoding a pixel: the format comes
 * from the magic bytes (never from a header the client sent), the dimensions from the format's own header, and a walk
 * over the file's structure (PNG chunks with their CRCs up to {@code IEND}; JPEG segments and entropy-coded data up to
 * {@code EOI}; WebP's RIFF chunks within the declared size) finds truncated and broken files. A few hundred bytes that
 * declare 10⁵ × 10⁵ pixels are refused here, before any decoder allocates their raster. Linear in the size, no
 * allocation beyond a few objects.
 */
public final class ImageInspector {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** Largest width or height any of the three formats can declare that Kiln considers (PNG's own limit). */
    private static final long MAX_SIDE = Integer.MAX_VALUE;

    private ImageInspector() {}

    /** The format the magic bytes name, or null when they name none of PNG, JPEG and WebP. */
    public static ImageFormat sniff(byte[] b) {
        if (startsWith(b, PNG_SIGNATURE)) {
            return ImageFormat.PNG;
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return ImageFormat.JPEG;
        }
        if (b.length >= 12
                && b[0] == 'R'
                && b[1] == 'I'
                && b[2] == 'F'
                && b[3] == 'F'
                && b[8] == 'W'
                && b[9] == 'E'
                && b[10] == 'B'
                && b[11] == 'P') {
            return ImageFormat.WEBP;
        }
        return null;
    }

    /**
     * Inspects {@code bytes} declared as {@code declared}.
     *
     * @throws InvalidImageException when they are not a whole image of that format within {@code limits}
     */
    public static ImageHeader inspect(byte[] bytes, ImageFormat declared, RenderLimits limits) {
        if (bytes.length > limits.maxImageBytes()) {
            throw new InvalidImageException(
                    Reason.TOO_LARGE,
                    "the image is " + bytes.length + " bytes, more than the " + limits.maxImageBytes()
                            + " byte cap (maxImageBytes)");
        }
        ImageFormat actual = sniff(bytes);
        if (actual == null) {
            throw new InvalidImageException(
                    Reason.NOT_AN_IMAGE,
                    "the body is not a PNG, JPEG or WebP image (its first bytes are no such file's signature)");
        }
        if (actual != declared) {
            throw new InvalidImageException(
                    Reason.TYPE_MISMATCH,
                    "the body is " + actual.mediaType() + ", not " + declared.mediaType()
                            + " as its Content-Type says");
        }
        ImageHeader header =
                switch (actual) {
                    case PNG -> png(bytes);
                    case JPEG -> jpeg(bytes);
                    case WEBP -> webp(bytes);
                };
        if (header.pixels() > limits.maxImagePixels()) {
            throw new InvalidImageException(
                    Reason.TOO_MANY_PIXELS,
                    "the image declares " + header.width() + "x" + header.height() + " = " + header.pixels()
                            + " pixels, more than the " + limits.maxImagePixels()
                            + " pixel cap (maxImagePixels; a decompression-bomb guard, checked before decoding)");
        }
        return header;
    }

    // --- PNG: signature, IHDR first, chunks with valid CRCs, at least one IDAT, IEND last ---

    private static ImageHeader png(byte[] b) {
        int at = PNG_SIGNATURE.length;
        long width = -1;
        long height = -1;
        boolean idat = false;
        boolean first = true;
        CRC32 crc = new CRC32();
        while (true) {
            if (at + 8 > b.length) {
                throw truncated("PNG", "its chunks end before the IEND chunk");
            }
            long length = u32be(b, at);
            int type = at + 4;
            if (length > Integer.MAX_VALUE || at + 12L + length > b.length) {
                throw truncated("PNG", "a chunk runs past the end of the file");
            }
            String name = new String(b, type, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            crc.reset();
            crc.update(b, type, 4 + (int) length);
            if (crc.getValue() != u32be(b, type + 4 + (int) length)) {
                throw corrupt("PNG", "the CRC of chunk " + printable(name) + " does not match its data");
            }
            if (first) {
                if (!name.equals("IHDR") || length != 13) {
                    throw corrupt("PNG", "the first chunk is not a 13-byte IHDR");
                }
                width = u32be(b, type + 4);
                height = u32be(b, type + 8);
                first = false;
            } else if (name.equals("IDAT")) {
                idat = true;
            } else if (name.equals("IEND")) {
                if (!idat) {
                    throw corrupt("PNG", "it has no image data (IDAT)");
                }
                return header(ImageFormat.PNG, width, height);
            }
            at += 12 + (int) length;
        }
    }

    // --- JPEG: segments up to SOS, entropy-coded data, more segments (progressive), EOI ---

    private static ImageHeader jpeg(byte[] b) {
        int at = 2;
        long width = -1;
        long height = -1;
        while (true) {
            if (at >= b.length) {
                throw truncated("JPEG", "it ends before its end-of-image marker (EOI)");
            }
            if ((b[at] & 0xff) != 0xff) {
                throw corrupt("JPEG", "a marker was expected at byte " + at);
            }
            while (at < b.length && (b[at] & 0xff) == 0xff) {
                at++; // fill bytes
            }
            if (at >= b.length) {
                throw truncated("JPEG", "it ends inside a marker");
            }
            int marker = b[at++] & 0xff;
            if (marker == 0xd9) {
                if (width < 0) {
                    throw corrupt("JPEG", "it ends before a frame header (SOF)");
                }
                return header(ImageFormat.JPEG, width, height);
            }
            if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                continue; // standalone markers carry no length
            }
            if (at + 2 > b.length) {
                throw truncated("JPEG", "it ends inside a segment header");
            }
            int length = u16be(b, at);
            if (length < 2) {
                throw corrupt("JPEG", "a segment declares a length below 2");
            }
            if ((long) at + length > b.length) {
                throw truncated("JPEG", "a segment runs past the end of the file");
            }
            boolean frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (frame) {
                if (length < 8) {
                    throw corrupt("JPEG", "its frame header is too short");
                }
                height = u16be(b, at + 3);
                width = u16be(b, at + 5);
                if (height == 0) {
                    throw corrupt("JPEG", "its frame header declares no height (DNL images are not accepted)");
                }
            }
            at += length;
            if (marker == 0xda) {
                if (width < 0) {
                    throw corrupt("JPEG", "its scan starts before a frame header (SOF)");
                }
                // Entropy-coded data: skip to the next marker that is not a stuffed 0xFF00 or a restart marker.
                while (true) {
                    if (at + 1 >= b.length) {
                        throw truncated("JPEG", "its scan data ends before its end-of-image marker (EOI)");
                    }
                    if ((b[at] & 0xff) == 0xff) {
                        int next = b[at + 1] & 0xff;
                        if (next != 0x00 && next != 0xff && (next < 0xd0 || next > 0xd7)) {
                            break;
                        }
                    }
                    at++;
                }
            }
        }
    }

    // --- WebP: RIFF size, chunks within it, VP8 / VP8L / VP8X headers ---

    private static ImageHeader webp(byte[] b) {
        long riffEnd = 8 + u32le(b, 4);
        if (riffEnd > b.length) {
            throw truncated("WebP", "its RIFF header declares " + riffEnd + " bytes, the file has " + b.length);
        }
        int at = 12;
        long width = -1;
        long height = -1;
        boolean image = false;
        while (at < riffEnd) {
            if (at + 8 > riffEnd) {
                throw truncated("WebP", "a chunk header runs past the RIFF size");
            }
            String name = new String(b, at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long size = u32le(b, at + 4);
            int data = at + 8;
            if (data + size > riffEnd) {
                throw truncated("WebP", "chunk " + printable(name) + " runs past the end of the file");
            }
            switch (name) {
                case "VP8X" -> {
                    if (size < 10) {
                        throw corrupt("WebP", "its VP8X chunk is too short");
                    }
                    width = 1 + u24le(b, data + 4);
                    height = 1 + u24le(b, data + 7);
                }
                case "VP8 " -> {
                    if (size < 10
                            || (b[data + 3] & 0xff) != 0x9d
                            || (b[data + 4] & 0xff) != 0x01
                            || (b[data + 5] & 0xff) != 0x2a) {
                        throw corrupt("WebP", "its VP8 chunk has no key-frame start code");
                    }
                    if (width < 0) {
                        width = u16le(b, data + 6) & 0x3fff;
                        height = u16le(b, data + 8) & 0x3fff;
                    }
                    image = true;
                }
                case "VP8L" -> {
                    if (size < 5 || (b[data] & 0xff) != 0x2f) {
                        throw corrupt("WebP", "its VP8L chunk has no lossless signature");
                    }
                    long bits = u32le(b, data + 1);
                    if (width < 0) {
                        width = 1 + (bits & 0x3fff);
                        height = 1 + ((bits >> 14) & 0x3fff);
                    }
                    image = true;
                }
                case "ANMF" -> image = true;
                default -> {
                    // ICCP, EXIF, XMP, ALPH, ANIM: metadata the walk only steps over
                }
            }
            at = data + (int) size + (int) (size & 1); // chunks are padded to an even size
        }
        if (!image) {
            throw corrupt("WebP", "it has no image data (VP8, VP8L or ANMF chunk)");
        }
        return header(ImageFormat.WEBP, width, height);
    }

    private static ImageHeader header(ImageFormat format, long width, long height) {
        if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE) {
            throw corrupt(format.name(), "its header declares a size of " + width + "x" + height);
        }
        return new ImageHeader(format, (int) width, (int) height);
    }

    private static InvalidImageException truncated(String format, String why) {
        return new InvalidImageException(Reason.TRUNCATED, "the " + format + " file is truncated: " + why);
    }

    private static InvalidImageException corrupt(String format, String why) {
        return new InvalidImageException(Reason.CORRUPT, "the " + format + " file is broken: " + why);
    }

    private static String printable(String chunk) {
        return chunk.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? "'" + chunk + "'" : "(unprintable)";
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static long u32be(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    private static int u16be(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static long u32le(byte[] b, int at) {
        return (b[at] & 0xffL) | ((b[at + 1] & 0xffL) << 8) | ((b[at + 2] & 0xffL) << 16) | ((b[at + 3] & 0xffL) << 24);
    }

    private static long u24le(byte[] b, int at) {
        return (b[at] & 0xffL) | ((b[at + 1] & 0xffL) << 8) | ((b[at + 2] & 0xffL) << 16);
    }

    private static int u16le(byte[] b, int at) {
        return (b[at] & 0xff) | ((b[at + 1] & 0xff) << 8);
    }
}
