package org.cardcase.privacy;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * At start, before the application serves: the record keys must open what PostgreSQL holds (a
 * missing or wrong key stops the start, saying so), then the rows written before V56 are encrypted
 * in batches and their plain columns emptied (resumable: a start that stops half-way continues
 * where it was; logged with counts). {@code cardcase.privacy.encrypt-plain-rows=false} skips the
 * second part (reads still fall back to the plain columns).
 */
@Component
public class PersonalDataAtStart implements InitializingBean {
  private static final Logger log = LoggerFactory.getLogger(PersonalDataAtStart.class);
  private final RecordEncryption records;
  private final boolean encryptPlain;
  private final int batch;

  public PersonalDataAtStart(RecordEncryption records, @Value("${cardcase.privacy.encrypt-plain-rows:true}") boolean encryptPlain,
      @Value("${cardcase.privacy.batch:500}") int batch) {
    this.records = records;
    this.encryptPlain = encryptPlain;
    this.batch = batch;
  }

  @Override
  public void afterPropertiesSet() {
    records.checkKeysOpenStoredValues();
    if (!encryptPlain) {
      return;
    }
    Map<String, Long> left = records.plainLeft();
    long total = left.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return;
    }
    log.info("personal data at rest: {} rows written before encryption to encrypt ({})", total, left);
    long started = System.nanoTime();
    Map<String, Long> done = records.encryptPlainRows(batch);
    log.info("personal data at rest: encrypted {} in {} ms; plain rows left: {}", done, (System.nanoTime() - started) / 1_000_000,
        records.plainLeft());
  }
}
