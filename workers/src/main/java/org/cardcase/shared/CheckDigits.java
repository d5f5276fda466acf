package org.cardcase.shared;

/** Check digits of the numbers the system issues, so a mistyped or misread number is refused. */
public final class CheckDigits {
  private CheckDigits() {}

  /** The mod-10 (Luhn) check digit to append to {@code digits}. */
  public static int luhn(String digits) {
    int sum = 0;
    boolean dbl = true;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (dbl) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
      dbl = !dbl;
    }
    return (10 - sum % 10) % 10;
  }
}
