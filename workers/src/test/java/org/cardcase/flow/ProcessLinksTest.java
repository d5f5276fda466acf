package org.cardcase.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.cardcase.TestDatabase;
import org.junit.jupiter.api.Test;

class ProcessLinksTest {
  final ProcessLinks links = new ProcessLinks(TestDatabase.jdbc(), new ObjectMapper());

  @Test
  void aCaseNotStartedYetHasNoInstanceKeyNotKeyZero() {
    // a register job that runs before the start is recorded must not mistake the case for another instance's
    TestDatabase.insertCase("SC-LINK-1", "110105194912310029");
    links.create("SC-LINK-1", "card-application", Map.of("caseNumber", "SC-LINK-1"));
    assertThat(links.find("SC-LINK-1").orElseThrow().processInstanceKey()).isNull();
    links.recordInstance("SC-LINK-1", 2251799813685249L, 1);
    assertThat(links.find("SC-LINK-1").orElseThrow().processInstanceKey()).isEqualTo(2251799813685249L);
  }
}
