package org.cardcase.documents;

import java.io.IOException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An image stream over bytes already in memory, without a copy: {@code ImageIO.createImageInputStream}
 * would cache the whole file again (in memory or in a temporary file) before a reader sees a byte.
 */
final class ByteArrayImageInputStream extends ImageInputStreamImpl {
  private final byte[] bytes;

  ByteArrayImageInputStream(byte[] bytes) {
    this.bytes = bytes;
  }

  @Override
  public int read() throws IOException {
    checkClosed();
    bitOffset = 0;
    return streamPos < bytes.length ? bytes[(int) streamPos++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    checkClosed();
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    if (streamPos >= bytes.length) {
      return -1;
    }
    int n = (int) Math.min(len, bytes.length - streamPos);
    System.arraycopy(bytes, (int) streamPos, b, off, n);
    streamPos += n;
    return n;
  }

  @Override
  public long length() {
    return bytes.length;
  }
}
