package org.cardcase.documents;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Large test images written row by row, never as a raster: a 6000×6000 RGBA PNG costs the test a
 * few hundred KB, not the 144 MB a decoded one takes.
 */
public final class TestImages {
  private TestImages() {}

  /**
   * An 8-bit RGBA PNG of {@code w}×{@code h} pixels in flat blocks (it compresses to about 120 KB
   * at 6000×6000); {@code seed} makes the bytes differ from image to image.
   */
  public static byte[] png(int w, int h, int seed) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(ihdr);
      d.writeInt(w);
      d.writeInt(h);
      d.writeByte(8); // bit depth
      d.writeByte(6); // RGBA
      d.writeByte(0);
      d.writeByte(0);
      d.writeByte(0);
      chunk(out, "IHDR", ihdr.toByteArray());
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(9), 1 << 16)) {
        byte[] row = new byte[1 + w * 4];
        for (int y = 0; y < h; y++) {
          row[0] = 0;
          for (int x = 0; x < w; x++) {
            int block = (x / 500) + (y / 500) * 13 + seed;
            row[1 + x * 4] = (byte) (block * 37);
            row[2 + x * 4] = (byte) (block * 91);
            row[3 + x * 4] = (byte) (block * 17 + seed);
            row[4 + x * 4] = (byte) 0xFF;
          }
          z.write(row);
        }
      }
      chunk(out, "IDAT", idat.toByteArray());
      chunk(out, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same image with a text chunk after its header: other bytes (another file to the checks), the same pixels. */
  public static byte[] variant(byte[] png, String text) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 64);
      int afterHeader = 8 + 4 + 4 + 13 + 4; // signature, IHDR length, type, data, CRC
      out.write(png, 0, afterHeader);
      chunk(out, "tEXt", ("Comment\0" + text).getBytes(StandardCharsets.ISO_8859_1));
      out.write(png, afterHeader, png.length - afterHeader);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }
}
