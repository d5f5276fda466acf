package org.cardcase.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;
import java.util.Locale;
import org.cardcase.security.StaffSingleSignOn;
import org.springframework.core.env.Environment;

@Route("login")
@PageTitle("CardCase")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {
  private final LoginForm form = new LoginForm();
  /** Why single sign-on let the person in at the provider but not here (empty unless it did). */
  private final Paragraph ssoRefusal = new Paragraph();

  public LoginView(Environment env) {
    setSizeFull();
    setAlignItems(Alignment.CENTER);
    setJustifyContentMode(JustifyContentMode.CENTER);
    LoginI18n i18n = LoginI18n.createDefault();
    i18n.getForm().setTitle(getTranslation("login.title"));
    i18n.getForm().setUsername(getTranslation("login.username"));
    i18n.getForm().setPassword(getTranslation("login.password"));
    i18n.getForm().setSubmit(getTranslation("login.submit"));
    i18n.getErrorMessage().setTitle(getTranslation("login.error.title"));
    i18n.getErrorMessage().setMessage(getTranslation("login.error.message"));
    form.setI18n(i18n);
    form.setAction("login");
    form.setForgotPasswordButtonVisible(false);
    // the language before signing in: chosen here, it becomes the person's choice once signed in
    Select<Locale> language = new Select<>();
    language.setId("login-language");
    language.setItems(MainLayout.ZH, Locale.ENGLISH);
    language.setItemLabelGenerator(l -> l.getLanguage().equals("zh") ? "简体中文" : "English");
    language.setValue(getLocale().getLanguage().equals("zh") ? MainLayout.ZH : Locale.ENGLISH);
    language.addValueChangeListener(e -> {
      VaadinSession session = VaadinSession.getCurrent();
      session.setLocale(e.getValue());
      session.setAttribute(LocalePreference.CHOSEN_AT_SIGN_IN, e.getValue().toLanguageTag());
      UI.getCurrent().getPage().reload();
    });
    add(new H1(getTranslation("app.title")), language, form);
    if (StaffSingleSignOn.enabled(env)) {
      // staff of an organisation with an identity provider sign in there; local accounts keep the form
      Button sso = new Button(getTranslation("login.sso"));
      sso.setWidth("min(20em, 100%)");
      Anchor link = new Anchor(
          StaffSingleSignOn.authorizationPath(env), sso);
      link.setId("sso-sign-in");
      link.setRouterIgnore(true);
      ssoRefusal.setId("sso-refusal");
      ssoRefusal.getStyle().set("color", "var(--lumo-error-text-color)").set("max-width", "24em").set("text-align", "center");
      ssoRefusal.setVisible(false);
      add(ssoRefusal, link);
    }
  }

  @Override
  public void beforeEnter(BeforeEnterEvent e) {
    var parameters = e.getLocation().getQueryParameters().getParameters();
    form.setError(parameters.containsKey("error"));
    String refused = parameters.getOrDefault(StaffSingleSignOn.REFUSED, List.of()).stream()
        .findFirst().orElse(null);
    if (refused != null) {
      String code = List.of("no-role", "disabled", "name-taken", "bad-name").contains(refused) ? refused : "failed";
      ssoRefusal.setText(getTranslation("login.sso.refused." + code));
      ssoRefusal.setVisible(true);
    }
  }
}
