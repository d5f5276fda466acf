package org.cardcase.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CheckDigitsTest {
  @Test
  void luhnMatchesThePublishedExampleAndCatchesASingleMistypedDigit() {
    assertThat(CheckDigits.luhn("7992739871")).isEqualTo(3); // the textbook example: 79927398713
    assertThat(CheckDigits.luhn("1100000001")).isNotEqualTo(CheckDigits.luhn("1100000002"));
    assertThat(CheckDigits.luhn("0")).isZero();
  }
}
