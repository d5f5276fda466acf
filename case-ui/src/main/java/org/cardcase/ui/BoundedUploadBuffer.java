package org.cardcase.ui;

import com.vaadin.flow.component.upload.Receiver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An upload kept in memory, refused on the server as soon as it grows past {@code maxBytes}:
 * {@code Upload.setMaxFileSize} alone is only checked in the browser, which anyone can skip.
 * Beyond the limit the upload fails (its failed listener runs) and nothing past it is kept.
 */
@SuppressWarnings("deprecation") // Receiver: the upload API these views are written against
final class BoundedUploadBuffer implements Receiver {
  private final int maxBytes;
  private volatile byte[] bytes;

  BoundedUploadBuffer(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Thrown into the upload when the file grows past the limit. */
  static final class TooLarge extends IOException {
    TooLarge(int maxBytes) {
      super("the file is larger than " + maxBytes + " bytes");
    }
  }

  @Override
  public OutputStream receiveUpload(String fileName, String mimeType) {
    bytes = null;
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    return new OutputStream() {
      private boolean refused;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (refused || kept.size() + (long) len > maxBytes) {
          refused = true;
          kept.reset();
          throw new TooLarge(maxBytes);
        }
        kept.write(b, off, len);
      }

      @Override
      public void close() {
        bytes = refused ? null : kept.toByteArray();
      }
    };
  }

  /** The last file received in full, or null. */
  byte[] bytes() {
    return bytes;
  }

  InputStream getInputStream() {
    byte[] b = bytes;
    return new ByteArrayInputStream(b == null ? new byte[0] : b);
  }
}
