package org.cardcase.cards;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which cases made a card that is still its holder's current one: any state but {@code REPLACED}
 * and {@code CANCELLED} (a lost card too, until its replacement exists: a reissue takes the last
 * card's photo). The retention job keeps those cases' portraits.
 */
@Component
public class CurrentCards {
  private final JdbcClient jdbc;

  public CurrentCards(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Set<String> casesWithCurrentCard(Collection<String> caseNumbers) {
    if (caseNumbers.isEmpty()) {
      return Set.of();
    }
    return new TreeSet<>(jdbc.sql("""
        select case_number from card where case_number = any(?) and state not in ('REPLACED', 'CANCELLED')""")
        .param(caseNumbers.toArray(String[]::new)).query(String.class).list());
  }
}
