package org.cardcase.reference;

import java.util.List;
import java.util.Map;

/** Banks that issue social security cards (financial-function cards) in the province. */
public final class Banks {
  private Banks() {}

  /** code -> {Chinese name, English name} */
  public static final Map<String, List<String>> NAMES = Map.of(
      "ICBC", List.of("中国工商银行", "Industrial and Commercial Bank of China"),
      "ABC", List.of("中国农业银行", "Agricultural Bank of China"),
      "BOC", List.of("中国银行", "Bank of China"),
      "CCB", List.of("中国建设银行", "China Construction Bank"),
      "BOCOM", List.of("交通银行", "Bank of Communications"),
      "PSBC", List.of("中国邮政储蓄银行", "Postal Savings Bank of China"),
      "RCC", List.of("农村信用合作社", "Rural Credit Cooperative"));

  public static final List<String> CODES = NAMES.keySet().stream().sorted().toList();
}
