package org.cardcase.ui;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

@Route("login")
@PageTitle("CardCase")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {
  private final LoginForm form = new LoginForm();

  public LoginView() {
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
    com.vaadin.flow.component.select.Select<java.util.Locale> language = new com.vaadin.flow.component.select.Select<>();
    language.setId("login-language");
    language.setItems(MainLayout.ZH, java.util.Locale.ENGLISH);
    language.setItemLabelGenerator(l -> l.getLanguage().equals("zh") ? "简体中文" : "English");
    language.setValue(getLocale().getLanguage().equals("zh") ? MainLayout.ZH : java.util.Locale.ENGLISH);
    language.addValueChangeListener(e -> {
      com.vaadin.flow.server.VaadinSession session = com.vaadin.flow.server.VaadinSession.getCurrent();
      session.setLocale(e.getValue());
      session.setAttribute(LocalePreference.CHOSEN_AT_SIGN_IN, e.getValue().toLanguageTag());
      com.vaadin.flow.component.UI.getCurrent().getPage().reload();
    });
    add(new H1(getTranslation("app.title")), language, form);
  }

  @Override
  public void beforeEnter(BeforeEnterEvent e) {
    form.setError(e.getLocation().getQueryParameters().getParameters().containsKey("error"));
  }
}
