package org.cardcase.documents;

import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * The checks an uploaded file must pass for its document kind: a real JPEG, PNG or PDF (by its
 * bytes, not its name), within the size limit, and for images decodable with dimensions in range.
 * Dimensions are read from the header before any decoding, so an image bomb is refused unread; an
 * image within its limits is then decoded once, subsampled to at most a couple of megapixels and
 * within the {@link DecodeBudget} of decodes in flight, so that no photo, however large, costs the
 * heap more than its share.
 */
public final class FileCheck {
  /** No photo needs more than this many pixels; more is an attack or a mistake. */
  static final long MAX_PIXELS = 40_000_000L;

  private FileCheck() {}

  public record Result(String contentType, Integer width, Integer height, List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /**
   * Recent results by file and limits: the same photo is checked when it is uploaded, when it is
   * stored and when verification checks the case's documents, and decoding it is the costly part.
   * The check is a pure function of the bytes and the limits, so a remembered result is the same answer
   * (and a store inside a transaction finds the upload's result here instead of decoding while it
   * holds a database connection).
   */
  private static final Map<String, Result> RECENT = Collections.synchronizedMap(
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Result> eldest) {
          return size() > 1024;
        }
      });

  /**
   * Checks {@code bytes} against a document kind's limits (from reference data attributes); an image
   * is decoded within {@code budget}, waiting for it at most {@code wait}.
   *
   * @throws DecodeBudget.Busy when the image needs decoding and the budget did not free up in time
   */
  public static Result check(byte[] bytes, Map<String, Object> limits, DecodeBudget budget, Duration wait) {
    if (bytes == null || bytes.length == 0) {
      return checkUncached(bytes, limits, budget, wait);
    }
    String key = sha256(bytes) + "|" + new TreeMap<>(limits);
    Result known = RECENT.get(key);
    if (known != null) {
      return known;
    }
    Result r = checkUncached(bytes, limits, budget, wait);
    RECENT.put(key, r);
    return r;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Result checkUncached(byte[] bytes, Map<String, Object> limits, DecodeBudget budget, Duration wait) {
    List<String> problems = new ArrayList<>();
    if (bytes == null || bytes.length == 0) {
      return new Result(null, null, null, List.of("the file is empty"));
    }
    String type = sniff(bytes);
    List<String> allowed = (List<String>) limits.getOrDefault("types", List.of());
    if (type == null) {
      return new Result(null, null, null, List.of("the file is not a JPEG, PNG or PDF"));
    }
    if (!allowed.isEmpty() && !allowed.contains(type)) {
      problems.add("a " + type + " file is not accepted here; send " + String.join(" or ", allowed));
    }
    long maxBytes = ((Number) limits.getOrDefault("maxBytes", 4_194_304)).longValue();
    if (bytes.length > maxBytes) {
      problems.add("the file has " + bytes.length + " bytes; at most " + maxBytes + " are accepted");
    }
    if (!type.startsWith("image/")) {
      return new Result(type, null, null, problems);
    }
    try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(type);
      if (!readers.hasNext()) {
        problems.add("the image cannot be read (damaged or not really a " + type + ")");
        return new Result(type, null, null, problems);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return image(reader, bytes, type, limits, problems, budget, wait);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      problems.add("the image cannot be read (damaged or not really a " + type + ")");
      return new Result(type, null, null, problems);
    }
  }

  /**
   * The image rules on a reader positioned on the file: its dimensions from the header (no pixel
   * read yet), and then, only if everything else passed, one decode of the whole file, subsampled
   * so that the raster has at most {@link DecodeBudget#maxDecodePixels()} pixels, within the budget.
   * Subsampling still inflates (PNG) or entropy-decodes (JPEG) every byte of the file, so a damaged
   * file is found as before; only the raster kept in memory is smaller.
   */
  private static Result image(ImageReader reader, byte[] bytes, String type, Map<String, Object> limits, List<String> problems,
      DecodeBudget budget, Duration wait) {
    int w;
    int h;
    try {
      w = reader.getWidth(0);
      h = reader.getHeight(0);
    } catch (IOException | RuntimeException e) {
      problems.add("the image cannot be read (damaged or not really a " + type + ")");
      return new Result(type, null, null, problems);
    }
    if ((long) w * h > MAX_PIXELS) {
      problems.add("the image has " + w + "×" + h + " pixels, far more than a photo needs");
      return new Result(type, w, h, problems);
    }
    int minW = intOf(limits, "minWidth", 1);
    int minH = intOf(limits, "minHeight", 1);
    int maxW = intOf(limits, "maxWidth", 10_000);
    int maxH = intOf(limits, "maxHeight", 10_000);
    if (w < minW || h < minH) {
      problems.add("the image is " + w + "×" + h + " pixels; at least " + minW + "×" + minH + " are needed");
    }
    if (w > maxW || h > maxH) {
      problems.add("the image is " + w + "×" + h + " pixels; at most " + maxW + "×" + maxH + " are accepted");
    }
    if (!problems.isEmpty()) {
      return new Result(type, w, h, problems);
    }
    int s = subsampling(w, h, budget.maxDecodePixels());
    long cost = decodeCost(reader, bytes, type, w, h, s);
    try (DecodeBudget.Lease lease = budget.acquire(cost, wait)) {
      ImageReadParam p = reader.getDefaultReadParam();
      p.setSourceSubsampling(s, s, 0, 0);
      if (reader.read(0, p) == null) {
        problems.add("the image cannot be decoded (damaged file)");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof DecodeBudget.Busy busy) {
        throw busy;
      }
      problems.add("the image cannot be decoded (damaged file)");
    }
    return new Result(type, w, h, problems);
  }

  /** The smallest step (the same across and down) that leaves at most {@code maxPixels} pixels. */
  static int subsampling(int w, int h, long maxPixels) {
    long pixels = (long) w * h;
    if (pixels <= maxPixels) {
      return 1;
    }
    int s = (int) Math.max(1, Math.floor(Math.sqrt((double) pixels / maxPixels)));
    while ((long) ((w + s - 1) / s) * ((h + s - 1) / s) > maxPixels) {
      s++;
    }
    return s;
  }

  /**
   * What a decode costs, in bytes, estimated before it starts: the subsampled raster in the
   * reader's own pixel layout (8 bytes a pixel when the reader does not say), two full-width rows
   * of working buffers and 64 KiB for the reader itself. A progressive JPEG also keeps all its
   * coefficients while decoding (in native memory, 2 bytes a sample, three components assumed):
   * counted too, so such files are decoded few at a time.
   */
  static long decodeCost(ImageReader reader, byte[] bytes, String type, int w, int h, int s) {
    long outW = (w + s - 1) / s;
    long outH = (h + s - 1) / s;
    int bytesPerPixel = 8;
    try {
      ImageTypeSpecifier raw = reader.getRawImageType(0);
      if (raw != null) {
        SampleModel sm = raw.getSampleModel(1, 1);
        bytesPerPixel = Math.max(1, DataBuffer.getDataTypeSize(sm.getDataType()) / 8 * sm.getNumDataElements());
      }
    } catch (IOException | RuntimeException e) {
      // not known: the conservative figure
    }
    long cost = outW * outH * bytesPerPixel + 2L * w * 8 + 64 * 1024;
    if (type.equals("image/jpeg") && progressiveJpeg(bytes)) {
      cost += (long) w * h * 3 * 2;
    }
    return cost;
  }

  /** Whether a JPEG's frame is progressive (SOF2, SOF6, SOF10, SOF14), read from its markers only. */
  static boolean progressiveJpeg(byte[] b) {
    int i = 2;
    while (i + 3 < b.length) {
      if ((b[i] & 0xff) != 0xFF) {
        return false;
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xFF) {
        i++;
        continue;
      }
      if (marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE) {
        return true;
      }
      if ((marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) || marker == 0xDA) {
        return false;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2;
        continue;
      }
      i += 2 + (((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff));
    }
    return false;
  }

  static String sniff(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
      return "image/jpeg";
    }
    if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return "image/png";
    }
    if (b.length >= 5 && b[0] == '%' && b[1] == 'P' && b[2] == 'D' && b[3] == 'F' && b[4] == '-') {
      return "application/pdf";
    }
    return null;
  }

  private static int intOf(Map<String, Object> m, String key, int dflt) {
    Object v = m.get(key);
    return v instanceof Number n ? n.intValue() : dflt;
  }
}
