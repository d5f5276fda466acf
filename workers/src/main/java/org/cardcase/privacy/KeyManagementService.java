package org.cardcase.privacy;

import java.util.List;

/**
 * Where the key-encryption keys (KEKs) live: a key file, an environment variable, or a KMS. The
 * application never needs a KEK's bytes, only these operations, so a real KMS (whose keys never
 * leave it) fits the same port. Key ids are the KMS's own names; an unknown id is refused.
 */
public interface KeyManagementService {

  /** The id of the key that wraps new data keys (the newest). */
  String currentKeyId();

  /** Every key id that can still unwrap, oldest first. */
  List<String> keyIds();

  /** The data key wrapped (encrypted and authenticated) under the key named, bound to {@code context}. */
  byte[] wrap(String keyId, byte[] dataKey, byte[] context);

  /** The data key back; fails if the key is unknown or the wrapped key or its context was changed. */
  byte[] unwrap(String keyId, byte[] wrapped, byte[] context);

  /** Makes a new key the current one (older ones keep unwrapping); returns its id. */
  String rotate();

  /** Removes a key that no value depends on any more (after a rewrap left 0 under it). */
  void retire(String keyId);

  /** Where the keys are, for messages and the audit trail (never the keys). */
  String describe();

  /** A KMS refused: an unknown key id, or a wrapped key that does not open under it. */
  final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }

    public Refused(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
