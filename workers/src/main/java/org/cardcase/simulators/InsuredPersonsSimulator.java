package org.cardcase.simulators;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.cardcase.family.InsuredPersons;
import org.cardcase.shared.CheckDigits;
import org.cardcase.shared.IdNumber;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * SIMULATOR of the insurance enrolment: everyone is insured except identity numbers whose
 * sequence code (digits 15-17) is 970-979, the simulator's "not insured" test identities. An
 * insured person's social insurance computer number is {@link #numberFor} of their ID number: this
 * simulated enrolment writes them as ten digits, nine from the ID number's hash and a Luhn check
 * digit (a real enrolment has its own format, kept behind {@link InsuredPersons}). Each number handed
 * out is kept in {@code sim_insured_person}, so the enrolment answers "whose number is this" for
 * everyone it has told a number to.
 */
@Component
@ConditionalOnProperty(name = "cardcase.simulators.enabled", havingValue = "true", matchIfMissing = true)
public class InsuredPersonsSimulator implements InsuredPersons {
  private final JdbcClient jdbc;

  public InsuredPersonsSimulator(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public boolean insured(String idNumber) {
    int seq = IdNumber.sequenceCode(idNumber);
    return seq < 970 || seq > 979;
  }

  @Override
  public Optional<String> computerNumberOf(String idNumber) {
    if (!insured(idNumber)) {
      return Optional.empty();
    }
    String number = numberFor(idNumber);
    jdbc.sql("insert into sim_insured_person (id_number, computer_number) values (?, ?) on conflict do nothing")
        .params(idNumber, number).update();
    return Optional.of(number);
  }

  @Override
  public Optional<String> idNumberOfComputerNumber(String computerNumber) {
    return jdbc.sql("select id_number from sim_insured_person where computer_number = ?").param(computerNumber)
        .query(String.class).optional();
  }

  /** This enrolment's numbers: ten digits, the last a check digit. */
  @Override
  public Optional<String> computerNumberProblem(String computerNumber) {
    if (computerNumber == null || !computerNumber.matches("\\d{10}")
        || CheckDigits.luhn(computerNumber.substring(0, 9)) != computerNumber.charAt(9) - '0') {
      return Optional.of("the social insurance computer number as the enrolment writes it: 10 digits, the last a check digit");
    }
    return Optional.empty();
  }

  /** The number the simulated enrolment gives this person (tests that act as a channel use it too). */
  public static String numberFor(String idNumber) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(idNumber.getBytes(StandardCharsets.UTF_8));
      long v = ((h[0] & 0xffL) << 24 | (h[1] & 0xffL) << 16 | (h[2] & 0xffL) << 8 | (h[3] & 0xffL)) % 900_000_000L + 100_000_000L;
      String body = Long.toString(v);
      return body + CheckDigits.luhn(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
