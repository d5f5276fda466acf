package org.cardcase.search;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.cardcase.shared.KeyFiles;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Blind tokens for the search index: a keyed HMAC of a normalised value, so the index can find "this
 * ID number" or "this full name" without holding either (a token cannot be turned back, and without
 * the key nobody can make the token of a guess). The key is {@code cardcase.search.token-keys} or
 * the {@link KeyFiles} file {@code cardcase.search.token-key-file} (default
 * {@code <data-dir>/keys/search-tokens.keys}); a new key takes effect with a rebuild of the index.
 */
@Component
public class SearchTokens {
  private final byte[] key;

  public SearchTokens(@Value("${cardcase.search.token-keys:}") String keys,
      @Value("${cardcase.search.token-key-file:}") String keyFile,
      @Value("${cardcase.data-dir:data}") String dataDir) {
    KeyFiles.Source given = KeyFiles.load(keys, "cardcase.search.token-keys", keyFile,
        Path.of(dataDir, "keys", "search-tokens.keys"), "search token");
    this.key = KeyFiles.keys(given.lines(), given.name()).getLast();
  }

  /** An ID, card or case-like number: upper case, without spaces. */
  public String number(String value) {
    return value == null || value.isBlank() ? null : token("n", value.replaceAll("\\s+", "").toUpperCase(Locale.ROOT));
  }

  /** A full name: NFKC, without spaces, lower case (so 王 小明 and 王小明, MARIA and Maria, match). */
  public String name(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String n = Normalizer.normalize(value, Normalizer.Form.NFKC).replaceAll("[\\s\\u00b7\\u30fb.]+", "").toLowerCase(Locale.ROOT);
    return token("p", n);
  }

  private String token(String kind, String normalised) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((kind + ":").getBytes(StandardCharsets.UTF_8));
      // 128 bits: enough to never collide among a city's people, half the size in the index
      return HexFormat.of().formatHex(mac.doFinal(normalised.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
