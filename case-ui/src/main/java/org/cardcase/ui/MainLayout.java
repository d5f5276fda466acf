package org.cardcase.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.spring.security.AuthenticationContext;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import org.cardcase.access.Accounts;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.flow.EngineSupervisor;
import org.cardcase.security.ProductionSettings;
import org.springframework.core.env.Environment;

/**
 * The workspace frame: navigation, language switch, who is signed in. It also loads Lumo's badge
 * styles, which the screens' status badges (due, overdue, states) need to show their colours.
 */
@JsModule("@vaadin/vaadin-lumo-styles/badge-global.js")
public class MainLayout extends AppLayout {
  public static final Locale ZH = Locale.SIMPLIFIED_CHINESE;

  private final Span engineBanner = new Span();

  public MainLayout(AuthenticationContext auth, Accounts accounts,
      EngineSupervisor engine, Environment env) {
    H1 title = new H1(getTranslation("app.title"));
    title.getStyle().set("font-size", "var(--lumo-font-size-l)").set("margin", "0");
    Select<Locale> language = new Select<>();
    language.setItems(ZH, Locale.ENGLISH);
    language.setItemLabelGenerator(l -> l.getLanguage().equals("zh") ? "简体中文" : "English");
    language.setValue(getLocale().getLanguage().equals("zh") ? ZH : Locale.ENGLISH);
    language.setId("language");
    language.addValueChangeListener(e -> {
      auth.getPrincipalName().ifPresent(n -> accounts.setLocale(n, e.getValue().toLanguageTag()));
      VaadinSession.getCurrent().setLocale(e.getValue());
      UI.getCurrent().getPage().reload();
    });
    String user = auth.getPrincipalName().orElse("");
    Button logout = new Button(getTranslation("nav.logout"), e -> auth.logout());
    engineBanner.setId("engine-status");
    engineBanner.getElement().getThemeList().add("badge error");
    showEngine(engine.status());
    // the demo says so on every screen: its accounts' passwords are published and its partners simulated
    Span demo = new Span(getTranslation("mode.demo"));
    demo.setId("demo-marker");
    demo.getElement().getThemeList().add("badge contrast primary");
    demo.getElement().setAttribute("title", getTranslation("mode.demo.hint"));
    demo.setVisible(!ProductionSettings.PRODUCTION.equals(ProductionSettings.mode(env)));
    HorizontalLayout header = new HorizontalLayout(new DrawerToggle(), title, demo, engineBanner, new Span(user), language, logout);
    header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
    header.expand(title);
    header.setWidthFull();
    header.getStyle().set("padding", "0 var(--lumo-space-m)");
    addToNavbar(header);
    SideNav nav = new SideNav();
    // the menu shows what the role may open; the views themselves are guarded on the server
    if (auth.hasAnyRole("CLERK", "SUPERVISOR")) {
      nav.addItem(new SideNavItem(getTranslation("nav.tasks"), TasksView.class));
    }
    if (auth.hasAnyRole("CLERK", "SUPERVISOR") && accounts.find(user).map(a -> a.groups().contains(CounterView.GROUP)).orElse(false)) {
      nav.addItem(new SideNavItem(getTranslation("nav.counter"), CounterView.class));
    }
    nav.addItem(new SideNavItem(getTranslation("nav.cases"), CasesView.class));
    if (auth.hasAnyRole("SUPERVISOR", "ANALYST")) {
      nav.addItem(new SideNavItem(getTranslation("nav.dashboard"), DashboardView.class));
    }
    if (auth.hasRole("SUPERVISOR")) {
      nav.addItem(new SideNavItem(getTranslation("nav.supervision"), SupervisionView.class));
    }
    nav.addItem(new SideNavItem(getTranslation("nav.calendar"), CalendarView.class));
    nav.addItem(new SideNavItem(getTranslation("nav.models"), ModelsView.class));
    addToDrawer(nav);
    // the engine's state reaches every open page within seconds, not on the next click
    addAttachListener(e -> {
      e.getUI().setPollInterval(5_000);
      var poll = e.getUI().addPollListener(p -> showEngine(engine.status()));
      addDetachListener(d -> {
        poll.remove();
        d.unregisterListener();
      });
    });
    if (auth.hasAnyRole("SUPERVISOR", "ADMIN")) {
      nav.addItem(new SideNavItem(getTranslation("engine.title"), EngineView.class));
    }
    if (auth.hasRole("ADMIN")) {
      nav.addItem(new SideNavItem(getTranslation("nav.admin"), AdminView.class));
    }
  }

  /** Hidden while the engine works; otherwise says what is wrong and what happens to people's work. */
  private void showEngine(EngineSupervisor.Status s) {
    var time = DateTimeFormatter.ofLocalizedTime(FormatStyle.MEDIUM)
        .withLocale(getLocale()).withZone(WorkingDayCalendar.ZONE);
    String text = s.failedAttempts() > 0
        // the engine cannot be started: how often it was tried, and when it is tried next
        ? getTranslation("engine.retrying", time.format(s.since()), s.failedAttempts(),
            s.nextAttemptAt() == null ? "—" : time.format(s.nextAttemptAt()))
        : switch (s.state()) {
          case DOWN -> getTranslation("engine.down", time.format(s.since()));
          case HEALING -> getTranslation("engine.healing");
          default -> s.resuming() ? getTranslation("engine.resuming", s.resumed(), s.toResume()) : null;
        };
    if (s.failedAttempts() > 0 && s.lastAttemptError() != null) {
      engineBanner.getElement().setAttribute("title", s.lastAttemptError());
    } else {
      engineBanner.getElement().removeAttribute("title");
    }
    engineBanner.setVisible(text != null);
    engineBanner.setText(text == null ? "" : text);
    engineBanner.getElement().getThemeList().set("error",
        s.state() != EngineSupervisor.State.UP || s.failedAttempts() > 0);
  }
}
