package org.cardcase.idempotency;

import java.util.Map;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.privacy.PlainRows;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The kept answers' sealed bodies ({@code idempotency_key.body_sealed}) and how rows of an earlier version are encrypted. */
@Component
public class SealedAnswers extends PlainRows {
  public SealedAnswers(JdbcClient jdbc, PersonalFields personal) {
    super(jdbc, personal, IdempotencyKeys.TABLE, "body_sealed", "channel || '/' || key", "channel || '/' || key", Map.of(), "body",
        Map.of(), "");
  }
}
