package org.cardcase.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class IdNumberTest {
  static final LocalDate TODAY = LocalDate.of(2026, 11, 22);

  @Test
  void acceptsThePublishedExampleAndReadsBirthDateAndSex() {
    // the worked example of GB 11643-1999 (Beijing, Chaoyang): 11010519491231002X
    IdNumber.Check c = IdNumber.check("11010519491231002x", TODAY);
    assertThat(c.errors()).isEmpty();
    assertThat(c.idNumber().value()).isEqualTo("11010519491231002X"); // stored upper-case
    assertThat(c.idNumber().birthDate()).isEqualTo(LocalDate.of(1949, 12, 31));
    assertThat(c.idNumber().sex()).isEqualTo(IdNumber.Sex.FEMALE); // 17th digit 2 is even
    assertThat(c.idNumber().ageOn(TODAY)).isEqualTo(76);
  }

  @Test
  void computesTheCheckCharacterOfTheStandard() {
    assertThat(IdNumber.checkCharacter("11010519491231002")).isEqualTo('X');
    // by hand: 4*7+4*9+0*10+5*5+2*8+4*4+1*2+9*1+8*6+0*3+0*7+1*9+0*10+1*5+0*8+0*4+1*2 = 196; 196 mod 11 = 9 -> '3'
    assertThat(IdNumber.checkCharacter("44052419800101001")).isEqualTo('3');
  }

  @Test
  void eachRejectionSaysWhichRuleFailed() {
    assertThat(IdNumber.check("1101051949123100", TODAY).errors()).containsExactly("ID number must have 18 characters, it has 16");
    assertThat(IdNumber.check("1101051949123100X2", TODAY).errors().get(0)).contains("X is allowed only last");
    assertThat(IdNumber.check("110105194912310021", TODAY).errors().get(0)).contains("check character is 1").contains("require X");
    String badProvince = "99010519491231002";
    assertThat(IdNumber.check(badProvince + IdNumber.checkCharacter(badProvince), TODAY).errors())
        .containsExactly("the first two digits 99 are not a province-level region code");
    String future = "11010520301231002";
    assertThat(IdNumber.check(future + IdNumber.checkCharacter(future), TODAY).errors().get(0)).contains("in the future");
    assertThat(IdNumber.check(null, TODAY).errors()).containsExactly("ID number is required");
  }

  @Test
  void leapDaysExistOnlyInLeapYears() {
    String leap = "11010520000229003";  // 2000 is a leap year (divisible by 400)
    assertThat(IdNumber.check(leap + IdNumber.checkCharacter(leap), TODAY).valid()).isTrue();
    String notLeap = "11010519000229003"; // 1900 is not
    assertThat(IdNumber.check(notLeap + IdNumber.checkCharacter(notLeap), TODAY).errors().get(0))
        .contains("not a real calendar date");
    String feb30 = "11010519900230003";
    assertThat(IdNumber.check(feb30 + IdNumber.checkCharacter(feb30), TODAY).valid()).isFalse();
  }

  @Test
  void ageTurnsOnTheBirthday() {
    String s = "11010520081122001"; // born 2008-11-22, male (1 is odd)
    IdNumber id = IdNumber.check(s + IdNumber.checkCharacter(s), TODAY).idNumber();
    assertThat(id.sex()).isEqualTo(IdNumber.Sex.MALE);
    assertThat(id.ageOn(LocalDate.of(2026, 11, 21))).isEqualTo(17);
    assertThat(id.ageOn(LocalDate.of(2026, 11, 22))).isEqualTo(18);
  }
}
