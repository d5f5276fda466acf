package org.cardcase.documents;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The checks an uploaded file must pass for its document kind: a real JPEG, PNG or PDF (by its
 * bytes, not its name), within the size limit, and for images decodable with dimensions in range.
 * Dimensions are read from the header before any decoding, so an image bomb is refused unread.
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
   * The check is a pure function of the bytes and the limits, so a remembered result is the same answer.
   */
  private static final Map<String, Result> RECENT = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Result> eldest) {
          return size() > 256;
        }
      });

  /** Checks {@code bytes} against a document kind's limits (from reference data attributes). */
  public static Result check(byte[] bytes, Map<String, Object> limits) {
    if (bytes == null || bytes.length == 0) {
      return checkUncached(bytes, limits);
    }
    String key = sha256(bytes) + "|" + new java.util.TreeMap<>(limits);
    Result known = RECENT.get(key);
    if (known != null) {
      return known;
    }
    Result r = checkUncached(bytes, limits);
    RECENT.put(key, r);
    return r;
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Result checkUncached(byte[] bytes, Map<String, Object> limits) {
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
    int[] size = dimensions(bytes);
    if (size == null) {
      problems.add("the image cannot be read (damaged or not really a " + type + ")");
      return new Result(type, null, null, problems);
    }
    int w = size[0];
    int h = size[1];
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
    if (problems.isEmpty() && !decodes(bytes)) {
      problems.add("the image cannot be decoded (damaged file)");
    }
    return new Result(type, w, h, problems);
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

  private static int[] dimensions(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader r = readers.next();
      try {
        r.setInput(in);
        return new int[] {r.getWidth(0), r.getHeight(0)};
      } finally {
        r.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean decodes(byte[] bytes) {
    try {
      return ImageIO.read(new ByteArrayInputStream(bytes)) != null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static int intOf(Map<String, Object> m, String key, int dflt) {
    Object v = m.get(key);
    return v instanceof Number n ? n.intValue() : dflt;
  }
}
