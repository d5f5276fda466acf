package org.cardcase.privacy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cardcase.shared.KeyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The record keys by configuration ({@code cardcase.privacy.kek-source}):
 * <ul>
 *   <li>{@code file}: a {@link KeyFiles} file, {@code cardcase.privacy.kek-file} (default
 *       {@code <data-dir>/keys/records.keys}); made with one key on the demo's first start, never
 *       made in production;</li>
 *   <li>{@code env}: the keys in the environment variable named by {@code cardcase.privacy.kek-env}
 *       (default {@code CARDCASE_RECORD_KEYS}), Base64, newest last, commas between;</li>
 *   <li>{@code kms-simulator}: the {@link KmsSimulator} (its store {@code cardcase.privacy.kms-simulator.dir},
 *       default {@code <data-dir>/kms-simulator}).</li>
 * </ul>
 * The demo uses {@code file} when nothing is set; production ({@code cardcase.mode=production})
 * refuses to start without an explicit source. The blind-index key is a file of its own,
 * {@code cardcase.privacy.blind-index-key-file} (default {@code <data-dir>/keys/blind-index.keys}),
 * or {@code cardcase.privacy.blind-index-keys}.
 */
@Configuration(proxyBeanMethods = false)
public class PrivacyConfiguration {
  private static final Logger log = LoggerFactory.getLogger(PrivacyConfiguration.class);
  public static final String SOURCE = "cardcase.privacy.kek-source";

  @Bean
  public KeyManagementService recordKeys(Environment env) {
    return keys(env);
  }

  /** The KEK source the settings name (also used by {@code ./cardcase admin keys}). */
  public static KeyManagementService keys(Environment env) {
    String dataDir = env.getProperty("cardcase.data-dir", "data");
    boolean production = "production".equals(env.getProperty("cardcase.mode", "demo").strip().toLowerCase(Locale.ROOT));
    String source = env.getProperty(SOURCE, "").strip().toLowerCase(Locale.ROOT);
    if (source.isEmpty()) {
      if (production) {
        throw new IllegalStateException("CardCase refuses to start in production mode: " + SOURCE + " is not set, so personal "
            + "data would be encrypted with a key made on this machine next to the database. Set " + SOURCE
            + "=file (with cardcase.privacy.kek-file), env (with the keys in CARDCASE_RECORD_KEYS) or kms-simulator / your KMS "
            + "adapter (README: Security, personal data at rest)");
      }
      source = "file";
    }
    KeyManagementService keys = switch (source) {
      case "file" -> {
        String file = env.getProperty("cardcase.privacy.kek-file", "").strip();
        yield LocalKeys.file(file.isEmpty() ? Path.of(dataDir, "keys", "records.keys") : Path.of(file), !production);
      }
      case "env" -> {
        String name = env.getProperty("cardcase.privacy.kek-env", "CARDCASE_RECORD_KEYS").strip();
        String value = env.getProperty(name);
        if (value == null || value.isBlank()) {
          throw new IllegalStateException(SOURCE + "=env but the environment variable " + name + " is not set: it should hold "
              + "the record encryption keys (Base64 of 32 random bytes each, newest last, commas between)");
        }
        yield LocalKeys.given(value, "the environment variable " + name);
      }
      case "kms-simulator" -> {
        if (production) {
          throw new IllegalStateException("CardCase refuses to start in production mode: " + SOURCE + "=kms-simulator is a "
              + "simulator; use file, env or a real KMS adapter");
        }
        String dir = env.getProperty("cardcase.privacy.kms-simulator.dir", "").strip();
        yield new KmsSimulator(dir.isEmpty() ? Path.of(dataDir, "kms-simulator") : Path.of(dir), "cardcase-records");
      }
      default -> throw new IllegalStateException(SOURCE + " is '" + source + "': use file, env or kms-simulator");
    };
    log.info("personal data at rest: record keys from {} (current {}, {} key(s))", keys.describe(), keys.currentKeyId(),
        keys.keyIds().size());
    return keys;
  }

  @Bean
  public Envelope envelope(KeyManagementService recordKeys) {
    return new Envelope(recordKeys);
  }

  @Bean
  public BlindIndex blindIndex(Environment env) {
    String dataDir = env.getProperty("cardcase.data-dir", "data");
    KeyFiles.Source given = KeyFiles.load(env.getProperty("cardcase.privacy.blind-index-keys", ""), "cardcase.privacy.blind-index-keys",
        env.getProperty("cardcase.privacy.blind-index-key-file", ""), Path.of(dataDir, "keys", "blind-index.keys"), "blind index");
    return new BlindIndex(KeyFiles.keys(given.lines(), given.name()).getFirst());
  }

  @Bean
  public RecordEncryption recordEncryption(JdbcClient jdbc, PersonalFields personalFields,
      List<SealedTable> sealedTables, TransactionTemplate tx) {
    return new RecordEncryption(jdbc, personalFields, sealedTables, tx);
  }

  @Bean
  public PersonalFields personalFields(Envelope envelope, BlindIndex blindIndex) {
    return new PersonalFields(envelope, blindIndex);
  }
}
