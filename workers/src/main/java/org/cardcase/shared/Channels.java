package org.cardcase.shared;

import java.util.List;
import java.util.Map;

/** The ways citizens reach the service centre; each channel system has its own API credentials. */
public final class Channels {
  private Channels() {}

  public static final String WEB_PORTAL = "web-portal";
  public static final String ALIPAY = "alipay";
  public static final String WECHAT = "wechat";
  /** 12333, the HR and social security service line: lookups (progress, the medical insurance number) with a PIN. */
  public static final String SERVICE_LINE = "12333";
  /** 96102, the social security card service line, 24 hours: provisional loss reports. */
  public static final String LOSS_LINE = "96102";
  /** The national medical insurance service platform app (国家医保服务平台): the child e-card. */
  public static final String MEDICAL_INSURANCE_APP = "nhsa-app";
  public static final String COUNTER = "counter";
  public static final String TERMINAL = "terminal";
  public static final String HOSPITAL = "hospital";

  public static final List<String> ALL = List.of(WEB_PORTAL, ALIPAY, WECHAT, SERVICE_LINE, LOSS_LINE, COUNTER, TERMINAL, HOSPITAL,
      MEDICAL_INSURANCE_APP);
  /**
   * How each channel can have authenticated the citizen before it asks for their full personal
   * data: a web login, the app's real-name login, the phone line's PIN, a card or ID card read at a
   * terminal, the ID card checked at a counter. Through the API a channel proves which with a signed
   * citizen assertion (its {@code amr}); a method not on its list is refused.
   */
  public static final Map<String, List<String>> AUTHENTICATION = Map.of(
      WEB_PORTAL, List.of("WEB_LOGIN"), ALIPAY, List.of("APP_LOGIN"), WECHAT, List.of("APP_LOGIN"),
      MEDICAL_INSURANCE_APP, List.of("APP_LOGIN"), SERVICE_LINE, List.of("PHONE_PIN"), TERMINAL, List.of("CARD", "ID_CARD"),
      COUNTER, List.of("ID_CARD"), HOSPITAL, List.of("CARD"));

  /**
   * The authentication this system's own reader did in person (the terminal's card reader), checked
   * against what that channel can do; null if none. Throws {@link FieldErrors} for one it cannot
   * have done. Never a channel's word through the API: that needs a signed citizen assertion.
   */
  public static String authentication(String channel, String said) {
    if (said == null || said.isBlank()) {
      return null;
    }
    List<String> can = AUTHENTICATION.getOrDefault(channel, List.of());
    String method = said.strip().toUpperCase();
    if (!can.contains(method)) {
      throw FieldErrors.of("authenticatedBy", can.isEmpty() ? "this channel does not authenticate citizens"
          : "the " + channel + " channel authenticates a citizen by " + String.join(" or ", can));
    }
    return method;
  }

  public static final List<String> APPLICATION_CHANNELS = List.of(WEB_PORTAL, ALIPAY, WECHAT, COUNTER);
}
