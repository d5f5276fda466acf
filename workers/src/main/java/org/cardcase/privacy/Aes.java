package org.cardcase.privacy;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a random 96-bit nonce and a 128-bit tag: {@code nonce || ciphertext || tag}. */
final class Aes {
  static final int NONCE = 12;
  static final int TAG_BITS = 128;
  /**
   * Keys and nonces: one DRBG (NIST SP 800-90A, seeded by the system's entropy; thread-safe). Not
   * one per thread: job handlers run on a new virtual thread per job, which would seed a new one
   * for every step.
   */
  private static final SecureRandom DRBG = drbg();

  /** Cipher objects for reuse (getInstance costs more than encrypting a record); a pool, not a ThreadLocal, for the same reason. */
  private static final ConcurrentLinkedQueue<Cipher> CIPHERS = new ConcurrentLinkedQueue<>();

  private Aes() {}

  private static SecureRandom drbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  private static Cipher cipher() throws GeneralSecurityException {
    Cipher c = CIPHERS.poll();
    return c != null ? c : Cipher.getInstance("AES/GCM/NoPadding");
  }

  static byte[] randomKey() {
    byte[] k = new byte[32];
    DRBG.nextBytes(k);
    return k;
  }

  static byte[] nonce() {
    byte[] n = new byte[NONCE];
    DRBG.nextBytes(n);
    return n;
  }

  /** The ciphertext and tag of {@code plain} (the nonce is the caller's). */
  static byte[] encrypt(byte[] key, byte[] nonce, byte[] plain, byte[] aad) {
    try {
      Cipher c = cipher();
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 0, 32, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      byte[] out = c.doFinal(plain);
      CIPHERS.offer(c);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Decrypts ciphertext-and-tag; {@link AEADBadTagException} (wrapped) when anything was changed or the AAD differs. */
  static byte[] decrypt(byte[] key, byte[] nonce, byte[] data, int offset, int length, byte[] aad) throws AEADBadTagException {
    try {
      Cipher c = cipher();
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, 0, 32, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      byte[] out = c.doFinal(data, offset, length);
      CIPHERS.offer(c); // a cipher that threw is dropped, not reused in an unknown state
      return out;
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Wraps a key: {@code nonce || AES-GCM(kek, key, aad)} (60 bytes for a 32-byte key). */
  static byte[] wrap(byte[] kek, byte[] key, byte[] aad) {
    byte[] nonce = nonce();
    byte[] ct = encrypt(kek, nonce, key, aad);
    byte[] out = new byte[NONCE + ct.length];
    System.arraycopy(nonce, 0, out, 0, NONCE);
    System.arraycopy(ct, 0, out, NONCE, ct.length);
    return out;
  }

  static byte[] unwrap(byte[] kek, byte[] wrapped, byte[] aad) throws AEADBadTagException {
    if (wrapped.length < NONCE + 16) {
      throw new AEADBadTagException("wrapped key too short");
    }
    byte[] nonce = Arrays.copyOf(wrapped, NONCE);
    return decrypt(kek, nonce, wrapped, NONCE, wrapped.length - NONCE, aad);
  }
}
