package org.cardcase.privacy;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a random 96-bit nonce and a 128-bit tag: {@code nonce || ciphertext || tag}. */
final class Aes {
  static final int NONCE = 12;
  static final int TAG_BITS = 128;
  /** Keys and nonces: a DRBG per thread (NIST SP 800-90A, seeded by the system's entropy), no lock shared between threads. */
  private static final ThreadLocal<SecureRandom> DRBG = ThreadLocal.withInitial(() -> {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  });

  private Aes() {}

  /** One cipher object per thread (getInstance costs more than encrypting a record). */
  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  static byte[] randomKey() {
    byte[] k = new byte[32];
    DRBG.get().nextBytes(k);
    return k;
  }

  static byte[] nonce() {
    byte[] n = new byte[NONCE];
    DRBG.get().nextBytes(n);
    return n;
  }

  /** Encrypts into {@code out} from {@code offset}: the ciphertext and tag (the nonce is the caller's). */
  static byte[] encrypt(byte[] key, byte[] nonce, byte[] plain, byte[] aad) {
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 0, 32, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      return c.doFinal(plain);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Decrypts ciphertext-and-tag; {@link AEADBadTagException} (wrapped) when anything was changed or the AAD differs. */
  static byte[] decrypt(byte[] key, byte[] nonce, byte[] data, int offset, int length, byte[] aad) throws AEADBadTagException {
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, 0, 32, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad);
      return c.doFinal(data, offset, length);
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
    byte[] nonce = java.util.Arrays.copyOf(wrapped, NONCE);
    return decrypt(kek, nonce, wrapped, NONCE, wrapped.length - NONCE, aad);
  }
}
