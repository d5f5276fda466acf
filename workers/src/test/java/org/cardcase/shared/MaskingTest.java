package org.cardcase.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskingTest {
  @Test
  void masksNamesIdNumbersAndPhones() {
    assertThat(Masking.name("张三")).isEqualTo("张*");
    assertThat(Masking.name("欧阳娜娜")).isEqualTo("欧***");
    assertThat(Masking.idNumber("11010519491231002X")).isEqualTo("110105********002X");
    assertThat(Masking.phone("13812345678")).isEqualTo("138****5678");
    assertThat(Masking.cardNumber("A12345678")).isEqualTo("*****5678");
    assertThat(Masking.cardNumber("123")).isEqualTo("****");
  }
}
