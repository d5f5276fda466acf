package org.cardcase.shared;

/** How personal data appears in lists, search results and logs. */
public final class Masking {
  private Masking() {}

  /** 张三 -> 张*, 欧阳娜娜 -> 欧***, Maria Lopez -> M**********. */
  public static String name(String name) {
    if (name == null || name.isEmpty()) {
      return "";
    }
    int first = name.codePointAt(0);
    int rest = name.codePointCount(0, name.length()) - 1;
    return new String(Character.toChars(first)) + "*".repeat(Math.max(rest, 1));
  }

  /** 110101199003074514 -> 110101********4514 (region and last four, as printed on receipts). */
  public static String idNumber(String id) {
    if (id == null || id.length() < 10) {
      return "****";
    }
    return id.substring(0, 6) + "*".repeat(id.length() - 10) + id.substring(id.length() - 4);
  }

  /** 13812345678 -> 138****5678 */
  public static String phone(String phone) {
    if (phone == null || phone.length() < 7) {
      return "****";
    }
    return phone.substring(0, 3) + "*".repeat(phone.length() - 7) + phone.substring(phone.length() - 4);
  }

  /** A card or medical insurance number: only the last four, A12345678 -> *****5678. */
  public static String cardNumber(String number) {
    if (number == null || number.length() < 6) {
      return "****";
    }
    return "*".repeat(number.length() - 4) + number.substring(number.length() - 4);
  }
}
