package org.cardcase.ui;

import com.vaadin.flow.component.Component;

/** Names of channels and actors in the reader's language; an unknown code as it is. */
final class Labels {
  private Labels() {}

  static String channel(Component view, String code) {
    return named(view, "channel.", code);
  }

  /** Who did something: a channel or the system by name, a person by their user name. */
  static String actor(Component view, String actor) {
    String channel = channel(view, actor);
    if (!channel.equals(actor)) {
      return channel;
    }
    return named(view, "actor.", actor);
  }

  private static String named(Component view, String prefix, String code) {
    if (code == null || code.isEmpty()) {
      return "";
    }
    String t = view.getTranslation(prefix + code);
    return t.startsWith("!") ? code : t;
  }
}
