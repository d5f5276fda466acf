package org.cardcase.application;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cardcase.shared.IdNumber;
import java.util.List;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.Channels;

/** A social security card application as a channel submits it. */
public record CardApplication(
    String applicantName, String idNumber, String sex, String phone, String issuingBank, String channel,
    String portraitPhoto, String idCardPhoto, Boolean usePhotoOnFile) {

  /** Without a choice of the photo on file: a portrait is uploaded. */
  public CardApplication(String applicantName, String idNumber, String sex, String phone, String issuingBank, String channel,
      String portraitPhoto, String idCardPhoto) {
    this(applicantName, idNumber, sex, phone, issuingBank, channel, portraitPhoto, idCardPhoto, null);
  }

  /** The field that carries each required document (base64 of the file's bytes). */
  public static final Map<String, String> DOCUMENT_FIELDS = Map.of("portraitPhoto", "PORTRAIT_PHOTO", "idCardPhoto", "ID_CARD_FRONT");

  /**
   * Checks every field and throws {@link FieldErrors} listing each one that is wrong, so a channel
   * can show all problems at once. Returns the application with the ID number normalised.
   */
  public CardApplication validated(String authenticatedChannel, LocalDate today, List<String> banks) {
    Map<String, String> errors = new LinkedHashMap<>();
    String name = applicantName == null ? "" : applicantName.strip();
    if (name.isEmpty()) {
      errors.put("applicantName", "applicant name is required");
    } else if (name.codePointCount(0, name.length()) > 40) {
      errors.put("applicantName", "applicant name must have at most 40 characters");
    } else if (!name.matches("[\\p{IsHan}\\p{L}][\\p{IsHan}\\p{L}·. '-]*")) {
      errors.put("applicantName", "applicant name may contain only letters, Chinese characters, spaces, '·', '.', ''' and '-'");
    }
    IdNumber.Check id = IdNumber.check(idNumber, today);
    if (!id.valid()) {
      errors.put("idNumber", String.join("; ", id.errors()));
    }
    if (sex == null || sex.isBlank()) {
      errors.put("sex", "sex is required (MALE or FEMALE)");
    } else if (!sex.equals("MALE") && !sex.equals("FEMALE")) {
      errors.put("sex", "sex must be MALE or FEMALE");
    } else if (id.valid() && !id.idNumber().sex().name().equals(sex)) {
      errors.put("sex", "sex " + sex + " does not match the ID number, which is of a " + id.idNumber().sex() + " holder");
    }
    if (phone == null || phone.isBlank()) {
      errors.put("phone", "phone is required");
    } else if (!phone.matches("1[3-9]\\d{9}")) {
      errors.put("phone", "phone must be an 11-digit mainland mobile number starting with 13-19");
    }
    if (issuingBank == null || issuingBank.isBlank()) {
      errors.put("issuingBank", "issuing bank is required; one of " + banks);
    } else if (!banks.contains(issuingBank)) {
      errors.put("issuingBank", "unknown issuing bank '" + issuingBank + "'; one of " + banks);
    }
    if (channel == null || channel.isBlank()) {
      errors.put("channel", "channel is required; one of " + Channels.APPLICATION_CHANNELS);
    } else if (!Channels.APPLICATION_CHANNELS.contains(channel)) {
      errors.put("channel", "applications are taken through " + Channels.APPLICATION_CHANNELS + ", not '" + channel + "'");
    } else if (authenticatedChannel != null && !channel.equals(authenticatedChannel)) {
      errors.put("channel", "you are signed in as channel '" + authenticatedChannel + "' and cannot submit for '" + channel + "'");
    }
    if (!errors.isEmpty()) {
      throw new FieldErrors(errors);
    }
    return new CardApplication(name, id.idNumber().value(), sex, phone, issuingBank, channel, portraitPhoto, idCardPhoto,
        usePhotoOnFile);
  }
}
