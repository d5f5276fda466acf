package org.cardcase.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a search is written in the searcher's trail: no ID number, phone or name in full. */
class CaseSearchesTest {
  @Test
  void theQueryIsKeptMaskedWordByWord() {
    assertThat(CaseSearches.masked("110105198001012318")).isEqualTo("110105********2318");
    assertThat(CaseSearches.masked("王小明")).isEqualTo("王**");
    assertThat(CaseSearches.masked("13812345678")).isEqualTo("138****5678");
    assertThat(CaseSearches.masked("SC20261207000001")).isEqualTo("SC20261207000001");
    assertThat(CaseSearches.masked(" 王小明  11010519800101231x ")).isEqualTo("王** 110105********231x");
    assertThat(CaseSearches.masked("A12345678")).isEqualTo("*****5678");
  }
}
