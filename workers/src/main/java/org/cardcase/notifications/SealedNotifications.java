package org.cardcase.notifications;

import java.util.Map;
import org.cardcase.privacy.PersonalFields;
import org.cardcase.privacy.PlainRows;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The messages' sealed recipient and text ({@code notification.personal}) and how rows of an earlier version are encrypted. */
@Component
public class SealedNotifications extends PlainRows {
  public SealedNotifications(JdbcClient jdbc, PersonalFields personal) {
    super(jdbc, personal, Notifications.TABLE, "personal", "id", "event_key", Map.of("recipient", "recipient", "text", "text"), null,
        Map.of(), "");
  }
}
