package org.cardcase.shared;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Resident identity number (GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit
 * sequence (odd = male, even = female), ISO 7064 MOD 11-2 check character. Under the Social
 * Insurance Law this is also the social security number.
 */
public record IdNumber(String value, LocalDate birthDate, Sex sex) {

  public enum Sex { MALE, FEMALE }

  /** Province-level codes (first two digits) of GB/T 2260. */
  static final Set<String> PROVINCES = Set.of(
      "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
      "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
      "71", "81", "82");
  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final char[] CHECK = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

  /** The outcome of checking a candidate: the number when valid, else every rule it failed. */
  public record Check(IdNumber idNumber, List<String> errors) {
    public boolean valid() {
      return errors.isEmpty();
    }
  }

  public static Check check(String raw, LocalDate today) {
    List<String> errors = new ArrayList<>();
    if (raw == null || raw.isBlank()) {
      return new Check(null, List.of("ID number is required"));
    }
    String v = raw.trim().toUpperCase(Locale.ROOT);
    if (v.length() != 18) {
      return new Check(null, List.of("ID number must have 18 characters, it has " + v.length()));
    }
    if (!v.substring(0, 17).chars().allMatch(Character::isDigit)) {
      return new Check(null, List.of("the first 17 characters must be digits (X is allowed only last)"));
    }
    char last = v.charAt(17);
    if (!Character.isDigit(last) && last != 'X') {
      return new Check(null, List.of("the last character must be a digit or X"));
    }
    if (!PROVINCES.contains(v.substring(0, 2))) {
      errors.add("the first two digits " + v.substring(0, 2) + " are not a province-level region code");
    }
    LocalDate birth = null;
    try {
      birth = LocalDate.of(Integer.parseInt(v.substring(6, 10)), Integer.parseInt(v.substring(10, 12)),
          Integer.parseInt(v.substring(12, 14)));
      if (birth.isAfter(today)) {
        errors.add("the birth date " + birth + " is in the future");
      } else if (birth.getYear() < 1900) {
        errors.add("the birth date " + birth + " is before 1900");
      }
    } catch (DateTimeException e) {
      errors.add("digits 7-14 (" + v.substring(6, 14) + ") are not a real calendar date");
    }
    char expected = checkCharacter(v.substring(0, 17));
    if (expected != last) {
      errors.add("the check character is " + last + " but the first 17 digits require " + expected);
    }
    if (!errors.isEmpty()) {
      return new Check(null, List.copyOf(errors));
    }
    Sex sex = (v.charAt(16) - '0') % 2 == 1 ? Sex.MALE : Sex.FEMALE;
    return new Check(new IdNumber(v, birth, sex), List.of());
  }

  /** ISO 7064 MOD 11-2 check character of the first 17 digits. */
  public static char checkCharacter(String first17) {
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (first17.charAt(i) - '0') * WEIGHTS[i];
    }
    return CHECK[sum % 11];
  }

  /**
   * The three-digit sequence code (digits 15-17) of a well-formed ID number; the simulators pick
   * their test behaviour by it.
   */
  public static int sequenceCode(String idNumber) {
    return Integer.parseInt(idNumber.substring(14, 17));
  }

  public int ageOn(LocalDate date) {
    return Period.between(birthDate, date).getYears();
  }
}
