package org.cardcase.privacy;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * Envelope encryption of a record's personal data: a fresh random 256-bit data key (DEK) per record,
 * the data encrypted with it (AES-256-GCM), the DEK wrapped by the current key-encryption key (KEK)
 * of the {@link KeyManagementService}. Each stored value says how to open it:
 *
 * <pre>
 * 0x01 | len(kekId) | kekId (ASCII) | len(wrappedDek) (2 bytes) | wrappedDek | nonce (12) | ciphertext+tag (16)
 * </pre>
 *
 * Both the data and the wrapped DEK are bound (GCM additional data) to the record's identity, the
 * {@code context} (e.g. {@code card_case/SC20261207000001/personal}): a value copied to another row
 * does not open there. A rewrap replaces the wrapped DEK (and the KEK id) and leaves the nonce and
 * ciphertext as they are.
 */
public final class Envelope {
  public static final byte VERSION = 1;
  private final KeyManagementService keys;

  public Envelope(KeyManagementService keys) {
    this.keys = keys;
  }

  public KeyManagementService keys() {
    return keys;
  }

  /** The plaintext encrypted for this record under a new data key. */
  public byte[] seal(String context, byte[] plain) {
    byte[] dek = Aes.randomKey();
    try {
      String kek = keys.currentKeyId();
      byte[] wrapped = keys.wrap(kek, dek, aad("dek", context));
      byte[] nonce = Aes.nonce();
      byte[] ct = Aes.encrypt(dek, nonce, plain, aad("data", context));
      return assemble(kek, wrapped, nonce, ct, 0, ct.length);
    } finally {
      Arrays.fill(dek, (byte) 0);
    }
  }

  /** The plaintext of a value sealed for this record; {@link CannotOpen} if it was changed, moved, or its KEK is unknown. */
  public byte[] open(String context, byte[] sealed) {
    Parsed p = parse(context, sealed);
    byte[] dek;
    try {
      dek = keys.unwrap(p.kekId, p.wrapped, aad("dek", context));
    } catch (KeyManagementService.Refused e) {
      throw new CannotOpen(context, e.getMessage(), e);
    }
    try {
      return Aes.decrypt(dek, p.nonce, sealed, p.dataOffset, sealed.length - p.dataOffset, aad("data", context));
    } catch (AEADBadTagException e) {
      throw new CannotOpen(context, "the ciphertext does not authenticate (changed, or sealed for another record)", e);
    } finally {
      Arrays.fill(dek, (byte) 0);
    }
  }

  /** The same value with its data key wrapped by the current KEK (the ciphertext untouched); null if it already is. */
  public byte[] rewrap(String context, byte[] sealed) {
    Parsed p = parse(context, sealed);
    String current = keys.currentKeyId();
    if (p.kekId.equals(current)) {
      return null;
    }
    byte[] dek;
    try {
      dek = keys.unwrap(p.kekId, p.wrapped, aad("dek", context));
    } catch (KeyManagementService.Refused e) {
      throw new CannotOpen(context, e.getMessage(), e);
    }
    try {
      byte[] wrapped = keys.wrap(current, dek, aad("dek", context));
      return assemble(current, wrapped, p.nonce, sealed, p.dataOffset, sealed.length - p.dataOffset);
    } finally {
      Arrays.fill(dek, (byte) 0);
    }
  }

  /** The id of the KEK a value's data key is wrapped under. */
  public static String kekId(byte[] sealed) {
    if (sealed == null || sealed.length < 2 || sealed[0] != VERSION) {
      throw new IllegalArgumentException("not a sealed value (format " + (sealed == null || sealed.length == 0 ? "?" : sealed[0]) + ")");
    }
    return new String(sealed, 2, sealed[1] & 0xff, StandardCharsets.US_ASCII);
  }

  private static byte[] aad(String part, String context) {
    return ("cardcase|v1|" + part + "|" + context).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] assemble(String kekId, byte[] wrapped, byte[] nonce, byte[] ct, int off, int len) {
    byte[] id = kekId.getBytes(StandardCharsets.US_ASCII);
    if (id.length > 255 || wrapped.length > 65535) {
      throw new IllegalArgumentException("KEK id or wrapped key too long");
    }
    ByteBuffer b = ByteBuffer.allocate(2 + id.length + 2 + wrapped.length + nonce.length + len);
    b.put(VERSION).put((byte) id.length).put(id).putShort((short) wrapped.length).put(wrapped).put(nonce).put(ct, off, len);
    return b.array();
  }

  private record Parsed(String kekId, byte[] wrapped, byte[] nonce, int dataOffset) {}

  private static Parsed parse(String context, byte[] sealed) {
    try {
      ByteBuffer b = ByteBuffer.wrap(sealed);
      if (b.get() != VERSION) {
        throw new CannotOpen(context, "unknown format version " + sealed[0], null);
      }
      byte[] id = new byte[b.get() & 0xff];
      b.get(id);
      byte[] wrapped = new byte[b.getShort() & 0xffff];
      b.get(wrapped);
      byte[] nonce = new byte[Aes.NONCE];
      b.get(nonce);
      if (b.remaining() < 16) {
        throw new CannotOpen(context, "truncated value", null);
      }
      return new Parsed(new String(id, StandardCharsets.US_ASCII), wrapped, nonce, b.position());
    } catch (BufferUnderflowException e) {
      throw new CannotOpen(context, "truncated value", e);
    }
  }

  /** A value that does not open: changed, moved to another record, or wrapped under a KEK the source does not have. */
  public static final class CannotOpen extends RuntimeException {
    public CannotOpen(String context, String why, Throwable cause) {
      super("the personal data of " + context + " cannot be decrypted: " + why, cause);
    }
  }
}
