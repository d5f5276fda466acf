package org.cardcase;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import org.cardcase.shared.IdNumber;

/** Distinct, valid ID numbers for load: one person per number, so no application is refused as a second one. */
final class Persons {
  private static final String[] REGIONS = {"110105", "110108", "120101", "130102", "310101", "310104", "320102",
      "320106", "330102", "330106", "340102", "350102", "370102", "410102", "420102", "430102", "440103", "440304",
      "450102", "510104"};
  private static final LocalDate FIRST = LocalDate.of(1950, 1, 1);
  private static final int DAYS = 18_000; // births 1950 to 1999

  private Persons() {}

  private static final String SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高";
  private static final String GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰";

  /** A name for the i-th person (letters only, as the application form requires). */
  static String name(int i) {
    int g = GIVEN.length();
    return "" + SURNAMES.charAt(i % SURNAMES.length()) + GIVEN.charAt((i / SURNAMES.length()) % g)
        + GIVEN.charAt((i / SURNAMES.length() / g) % g);
  }

  /** The i-th person whose registry record matches clearly (sequence code 999: verified without a clerk). */
  static String clearMatch(int i) {
    return withSequence(i, "999");
  }

  /** The i-th person with this sequence code (it chooses the simulators' behaviour, see the README). */
  static String withSequence(int i, String sequence) {
    String region = REGIONS[(i / DAYS) % REGIONS.length];
    String birth = FIRST.plusDays(i % DAYS).format(DateTimeFormatter.BASIC_ISO_DATE);
    String first17 = region + birth + sequence;
    return first17 + IdNumber.checkCharacter(first17);
  }
}
