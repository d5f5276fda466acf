package org.cardcase.notifications;

/** Sends a text message to a citizen's phone (a carrier's SMS gateway, or an app push service). */
public interface SmsGateway {
  /** Sends and returns the gateway's message id; throws if the gateway refused or is unreachable. */
  String send(String phone, String text);
}
