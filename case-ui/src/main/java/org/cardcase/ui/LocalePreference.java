package org.cardcase.ui;

import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import java.util.Locale;
import java.util.Optional;
import org.cardcase.access.Accounts;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** Each member of staff works in the language they chose last (kept in PostgreSQL, not in a cookie). */
@Component
public class LocalePreference implements VaadinServiceInitListener {
  /** Session attribute: the language picked on the sign-in page, saved as the person's choice once signed in. */
  static final String CHOSEN_AT_SIGN_IN = "cardcase.chosenLocale";

  private final Accounts accounts;

  public LocalePreference(Accounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public void serviceInit(ServiceInitEvent event) {
    event.getSource().addUIInitListener(e -> {
      Authentication a = SecurityContextHolder.getContext().getAuthentication();
      if (a != null && a.isAuthenticated() && !"anonymousUser".equals(a.getName())) {
        // a member of staff (a channel account has no language kept) who chose one before signing in keeps it
        Optional<String> kept = accounts.locale(a.getName());
        if (e.getUI().getSession().getAttribute(CHOSEN_AT_SIGN_IN) instanceof String chosen) {
          e.getUI().getSession().setAttribute(CHOSEN_AT_SIGN_IN, null);
          if (kept.isPresent()) {
            accounts.setLocale(a.getName(), chosen);
            kept = Optional.of(chosen);
          }
        }
        kept.ifPresent(tag -> {
          Locale l = Locale.forLanguageTag(tag);
          e.getUI().setLocale(l);
          e.getUI().getSession().setLocale(l);
        });
      }
    });
  }
}
