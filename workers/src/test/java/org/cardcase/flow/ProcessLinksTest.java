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
    links.create("SC-LINK-1", "card-application", 1, Map.of("caseNumber", "SC-LINK-1"));
    assertThat(links.find("SC-LINK-1").orElseThrow().processInstanceKey()).isNull();
    links.recordInstance("SC-LINK-1", 2251799813685249L, 1);
    assertThat(links.find("SC-LINK-1").orElseThrow().processInstanceKey()).isEqualTo(2251799813685249L);
  }

  @Test
  void aNewCasesLinkIsWrittenWholeAndItsFirstStartIsClaimedWithIt() {
    TestDatabase.insertCase("SC-LINK-2", "110105194912310037");
    ProcessLink written = links.create("SC-LINK-2", "card-application", 3, Map.of("caseNumber", "SC-LINK-2", "reviewDueAt",
        "2026-12-09T09:30:00Z"));
    // what the starter sends is what is stored: the variables, the version and the start's token
    assertThat(links.find("SC-LINK-2")).contains(written);
    assertThat(written.variables()).containsEntry("reviewDueAt", "2026-12-09T09:30:00Z");
    assertThat(written.modelVersion()).isEqualTo(3);
    assertThat(written.startToken()).isNotBlank();
    // the start is taken: the sweeper neither lists it nor claims it while the claim stands
    assertThat(links.unstarted()).doesNotContain("SC-LINK-2");
    assertThat(links.claimStart("SC-LINK-2")).isEmpty();
    // a start that was not sent is released: the sweeper's claim takes it, with a new token
    links.releaseStart("SC-LINK-2", written.startToken());
    assertThat(links.unstarted()).contains("SC-LINK-2");
    ProcessLink claimed = links.claimStart("SC-LINK-2").orElseThrow();
    assertThat(claimed.startToken()).isNotEqualTo(written.startToken());
    assertThat(claimed.variables()).isEqualTo(written.variables());
  }
}
