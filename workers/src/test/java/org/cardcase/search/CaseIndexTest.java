package org.cardcase.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseStatus;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;

/** What the case index holds and finds, on a real Elasticsearch node (the one the read-model tests share). */
class CaseIndexTest {
  static final Instant NOW = TestReadModel.china(2026, 12, 2, 10, 0);

  @Test
  void theIndexHoldsNoPlainPersonalDataAndStillFindsByWholeNameIdAndCardNumber() throws Exception {
    RestClient rest = TestReadModel.rest();
    CaseRecord c = new CaseRecord("SCPRIV0001", "CARD_APPLICATION", CaseStatus.RECEIVED, "compare-photos",
        "web-portal", "欧阳娜娜", "11010519800101231X", "FEMALE", "13912345678", "ICBC", NOW, NOW, null);
    // an index of an earlier version, which held names and ID numbers in plain, is dropped
    rest.performRequest(new Request("PUT", "/priv-cases-v5"));
    CaseIndex caseIndex = TestReadModel.index("priv");
    assertThat(rest.performRequest(new Request("HEAD", "/priv-cases-v5")).getStatusLine().getStatusCode()).isEqualTo(404);
    caseIndex.index(List.of(CaseDocument.of(c, List.of("A87654321"), WorkingDayCalendar.official(), TestReadModel.TOKENS)));
    TestReadModel.refresh(caseIndex.name());
    String raw = new String(rest.performRequest(new Request("GET", "/" + caseIndex.name() + "/_doc/SCPRIV0001")).getEntity()
        .getContent().readAllBytes(), StandardCharsets.UTF_8);
    // what anyone who can read the index sees: no name, ID number, phone or card number in full
    assertThat(raw).contains("SCPRIV0001").contains("欧***").contains("110105********231X").contains("139****5678")
        .doesNotContain("欧阳娜娜").doesNotContain("阳娜").doesNotContain("11010519800101231X").doesNotContain("19800101")
        .doesNotContain("13912345678").doesNotContain("A87654321");
    // found by the whole name (spaces and case aside), the whole ID number (x or X), the card number
    assertThat(caseIndex.search("欧阳 娜娜", 10)).extracting(CaseHit::caseNumber).containsExactly("SCPRIV0001");
    assertThat(caseIndex.search("11010519800101231x", 10)).singleElement()
        .satisfies(h -> assertThat(h.matched()).containsExactly("idNumber"));
    assertThat(caseIndex.search("a87654321", 10)).extracting(CaseHit::caseNumber).containsExactly("SCPRIV0001");
    assertThat(caseIndex.search("SCPRIV", 10)).extracting(CaseHit::caseNumber).containsExactly("SCPRIV0001");
    // the honest limit: a part of a name or number is not found (the index does not hold the parts)
    assertThat(caseIndex.search("娜娜", 10)).isEmpty();
    assertThat(caseIndex.search("110105198001", 10)).isEmpty();
  }
}
