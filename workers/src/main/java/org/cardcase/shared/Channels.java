package org.cardcase.shared;

import java.util.List;

/** The ways citizens reach the service centre; each channel system has its own API credentials. */
public final class Channels {
  private Channels() {}

  public static final String WEB_PORTAL = "web-portal";
  public static final String ALIPAY = "alipay";
  public static final String WECHAT = "wechat";
  public static final String PHONE_LINE = "phone-line";
  public static final String COUNTER = "counter";
  public static final String TERMINAL = "terminal";
  public static final String HOSPITAL = "hospital";
  /** Not a citizen channel: the provincial card centre and banks calling back about production. */
  public static final String CARD_PRODUCTION = "card-production";

  public static final List<String> ALL = List.of(WEB_PORTAL, ALIPAY, WECHAT, PHONE_LINE, COUNTER, TERMINAL, HOSPITAL);
  public static final List<String> APPLICATION_CHANNELS = List.of(WEB_PORTAL, ALIPAY, WECHAT, COUNTER);
}
