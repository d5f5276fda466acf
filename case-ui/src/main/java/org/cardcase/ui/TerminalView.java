package org.cardcase.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.RolesAllowed;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardIdentification;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardNotFound;
import org.cardcase.cards.MedicalInsuranceNumbers;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.Cases;
import org.cardcase.deadlines.DeadlineRules;
import org.cardcase.loss.LossReports;
import org.cardcase.reissue.VoucherPrints;
import org.cardcase.reissue.Vouchers;
import org.cardcase.shared.Channels;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.IdNumber;
import org.cardcase.shared.Masking;

/**
 * The self-service terminal (guide 004): full screen, Chinese, large touch targets, no staff menus.
 * The terminal signs in with its channel account; a citizen identifies by inserting the social
 * security card or swiping the ID card (typed here, as the reader would), then looks up progress
 * and the medical insurance number, reports the card lost or prints the pickup certificate again.
 * Only a card in use identifies its holder (a lost, suspended, cancelled or not yet activated card
 * is refused with its reason, and the holder swipes the ID card instead); the pickup certificate is
 * printed again only with the holder's ID card, swiped then if the citizen came in with the card.
 * The citizen's session ends on "Finish" and after two idle minutes.
 */
@Route("terminal")
@PageTitle("社会保障自助服务终端")
@RolesAllowed("CHANNEL")
public class TerminalView extends VerticalLayout implements BeforeEnterObserver {
  static final long IDLE_SECONDS = 120;
  static final String LOCALE = "cardcase.terminal.locale";

  private final AuthenticationContext auth;
  private final CardLifecycle cards;
  private final CardIdentification identification;
  private final Cases cases;
  private final MedicalInsuranceNumbers numbers;
  private final LossReports lossReports;
  private final Vouchers vouchers;
  private final VoucherPrints voucherPrints;
  private final Clock clock;
  private final DeadlineRules rules;
  private final Div screen = new Div();
  private Citizen citizen;
  private Instant lastTouch;

  /**
   * Who is at the terminal, how they identified (CARD or ID_CARD), and whether they have swiped the
   * holder's ID card (at once, or later for what needs it).
   */
  record Citizen(String idNumber, String name, String method, boolean idCardSwiped) {
    Citizen withIdCardSwiped() {
      return new Citizen(idNumber, name, method, true);
    }
  }

  public TerminalView(AuthenticationContext auth, CardLifecycle cards, CardIdentification identification, Cases cases,
      MedicalInsuranceNumbers numbers, LossReports lossReports, Vouchers vouchers, VoucherPrints voucherPrints,
      DeadlineRules rules, Clock clock) {
    this.rules = rules;
    this.auth = auth;
    this.cards = cards;
    this.identification = identification;
    this.cases = cases;
    this.numbers = numbers;
    this.lossReports = lossReports;
    this.vouchers = vouchers;
    this.voucherPrints = voucherPrints;
    this.clock = clock;
    // Chinese unless this visitor switched to English (until they finish)
    Object chosen = VaadinSession.getCurrent().getAttribute(LOCALE);
    UI.getCurrent().setLocale(chosen instanceof Locale l ? l : Locale.SIMPLIFIED_CHINESE);
    setSizeFull();
    setPadding(true);
    getStyle().set("font-size", "1.4rem").set("background", "var(--lumo-contrast-5pct)");
    H1 title = new H1(getTranslation("terminal.title"));
    title.getStyle().set("font-size", "2.2rem").set("margin", "0");
    screen.setWidthFull();
    screen.getStyle().set("max-width", "1100px").set("margin", "0 auto");
    screen.setId("terminal-screen");
    title.getStyle().set("align-self", "center");
    add(title, screen);
    welcome();
  }

  /** Only the terminal channel's account opens this page (an API channel account could otherwise sign in). */
  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    if (!auth.getPrincipalName().map(Channels.TERMINAL::equals).orElse(false)) {
      event.rerouteToError(NotFoundException.class, "terminal only");
    }
  }

  @Override
  protected void onAttach(AttachEvent e) {
    UI ui = e.getUI();
    ui.setPollInterval(10_000);
    var poll = ui.addPollListener(p -> {
      if (citizen != null && lastTouch != null && lastTouch.plusSeconds(IDLE_SECONDS).isBefore(clock.instant())) {
        reset(); // nobody touched the screen: the next person must not see this one's data
      }
    });
    addDetachListener(d -> {
      poll.remove();
      d.unregisterListener();
    });
  }

  private void show(Component... parts) {
    lastTouch = clock.instant();
    screen.removeAll();
    screen.add(parts);
  }

  private void welcome() {
    citizen = null;
    TextField number = big(new TextField(getTranslation("terminal.identify.field")));
    number.setId("terminal-identify-number");
    Div error = error("terminal-identify-error");
    Button card = button(getTranslation("terminal.identify.card"), "terminal-by-card", () -> identify(number.getValue(), "CARD", error));
    Button id = button(getTranslation("terminal.identify.idCard"), "terminal-by-id-card", () -> identify(number.getValue(), "ID_CARD", error));
    show(new H2(getTranslation("terminal.welcome")), number, row(card, id), error, language());
  }

  private void identify(String value, String method, Div error) {
    if ("CARD".equals(method)) {
      switch (identification.byCardNumber(value)) {
        case CardIdentification.Identified(Card c) -> citizen = new Citizen(c.holderIdNumber(), c.holderName(), method, false);
        case CardIdentification.Refused(var state) -> {
          // a card not in use identifies nobody: say why, and nothing of its holder
          error.setText(getTranslation("terminal.identify.refused." + state.name()));
          return;
        }
        case CardIdentification.Unknown() -> {
          error.setText(getTranslation("terminal.identify.noCard"));
          return;
        }
      }
    } else {
      String idNumber = idNumber(value, error);
      if (idNumber == null) {
        return;
      }
      List<Card> held = cards.ofHolder(idNumber);
      List<String> own = cases.caseNumbersOf(idNumber);
      if (held.isEmpty() && own.isEmpty()) {
        error.setText(getTranslation("terminal.identify.unknown"));
        return;
      }
      String name = held.isEmpty() ? cases.findAll(own).get(0).applicantName() : held.get(0).holderName();
      citizen = new Citizen(idNumber, name, method, true);
    }
    menu();
  }

  /** The ID number swiped (or typed), or null with the reason shown when it is not a valid one. */
  private String idNumber(String value, Div error) {
    String v = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
    IdNumber.Check check = IdNumber.check(v, LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
    if (!check.valid()) {
      error.setText(getTranslation("terminal.identify.badId", String.join("; ", check.errors())));
      return null;
    }
    return check.idNumber().value();
  }

  private void menu() {
    show(new H2(getTranslation("terminal.hello", Masking.name(citizen.name()), Masking.idNumber(citizen.idNumber()))),
        row(button(getTranslation("terminal.menu.progress"), "terminal-progress", this::progress),
            button(getTranslation("terminal.menu.number"), "terminal-number", this::number)),
        row(button(getTranslation("terminal.menu.loss"), "terminal-loss", this::loss),
            button(getTranslation("terminal.menu.voucher"), "terminal-certificate", this::certificate)),
        finish());
  }

  private void progress() {
    List<CaseRecord> mine = cases.findAll(cases.caseNumbersOf(citizen.idNumber())).stream()
        .sorted(Comparator.comparing(CaseRecord::createdAt).reversed()).limit(5).toList();
    VerticalLayout list = new VerticalLayout();
    list.setId("terminal-progress-list");
    if (mine.isEmpty()) {
      list.add(new Paragraph(getTranslation("terminal.progress.none")));
    }
    for (CaseRecord c : mine) {
      Div d = new Div(new Span(getTranslation("terminal.progress.line", c.caseNumber(), text("case.type." + c.caseType()),
          text("case.status." + c.status()), text("step." + c.currentStep()),
          day(LocalDate.ofInstant(c.createdAt(), ZoneId.of("Asia/Shanghai"))))));
      d.getStyle().set("padding", "0.5rem 0");
      list.add(d);
    }
    show(new H2(getTranslation("terminal.menu.progress")), list, row(back(), finish()));
  }

  private void number() {
    try {
      MedicalInsuranceNumbers.Lookup l = numbers.lookup(citizen.idNumber(), Channels.TERMINAL, citizen.method());
      Span n = new Span(l.medicalInsuranceNumber());
      n.setId("terminal-number-value");
      n.getStyle().set("font-size", "2.4rem").set("font-weight", "bold").set("letter-spacing", "0.1em");
      show(new H2(getTranslation("terminal.number.title")), n, new Paragraph(getTranslation("terminal.number.kept")), row(back(), finish()));
    } catch (CardNotFound e) {
      show(new H2(getTranslation("terminal.menu.number")), new Paragraph(getTranslation("terminal.number.none")), row(back(), finish()));
    }
  }

  private void loss() {
    List<Card> usable = cards.ofHolder(citizen.idNumber()).stream().filter(c -> c.state().settles()).toList();
    if (usable.isEmpty()) {
      show(new H2(getTranslation("terminal.menu.loss")), new Paragraph(getTranslation("terminal.loss.none")), row(back(), finish()));
      return;
    }
    TextField phone = big(new TextField(getTranslation("terminal.loss.phone")));
    phone.setId("terminal-loss-phone");
    Div error = error("terminal-loss-error");
    Card card = usable.get(0);
    Button confirm = button(getTranslation("terminal.loss.confirm"), "terminal-loss-confirm", () -> {
      try {
        LossReports.Reported r = lossReports.report(new LossReports.Report(citizen.idNumber(), card.cardNumber(), citizen.name(),
            phone.getValue().strip()), Channels.TERMINAL);
        Span n = new Span(r.reportNumber());
        n.setId("terminal-loss-number");
        n.getStyle().set("font-size", "2rem").set("font-weight", "bold");
        int days = rules.getFormalReportReminderWorkingDays();
        show(new H2(getTranslation("terminal.loss.done")), new Paragraph(getTranslation("terminal.loss.number")), n,
            new Paragraph(getTranslation(r.settlementStopped() ? "terminal.loss.stopped" : "terminal.loss.stopPending", days)),
            finish());
      } catch (FieldErrors e) {
        error.setText(String.join("；", e.errors().values()));
      } catch (CaseConflict | CardNotFound e) {
        error.setText(e.getMessage());
      }
    });
    confirm.addThemeVariants(ButtonVariant.LUMO_ERROR);
    show(new H2(getTranslation("terminal.menu.loss")), new Paragraph(getTranslation("terminal.loss.card", card.lastFour())), phone, error,
        row(confirm, back()));
  }

  private void certificate() {
    if (!citizen.idCardSwiped()) {
      swipeIdCardFor(this::certificate);
      return;
    }
    Vouchers.Voucher v = vouchers.latestOf(citizen.idNumber()).orElse(null);
    if (v == null) {
      show(new H2(getTranslation("terminal.menu.voucher")), new Paragraph(getTranslation("terminal.voucher.none")), row(back(), finish()));
      return;
    }
    StreamResource pdf = new StreamResource(v.number() + ".pdf",
        () -> new ByteArrayInputStream(voucherPrints.print(v.number(), Channels.TERMINAL, Channels.TERMINAL)));
    pdf.setContentType("application/pdf");
    Anchor print = new Anchor(pdf, getTranslation("terminal.voucher.print"));
    print.setId("terminal-certificate-print");
    print.setTarget("_blank");
    print.getStyle().set("font-size", "1.8rem").set("padding", "1.2rem 2rem").set("border-radius", "12px")
        .set("background", "var(--lumo-primary-color)").set("color", "white").set("display", "inline-block");
    String state = getTranslation("counter.voucher.state." + v.state());
    show(new H2(getTranslation("terminal.voucher.title", v.number())),
        new Paragraph(getTranslation("terminal.voucher.collectFrom", day(v.pickupDate()), state)
            + (v.pickupProvisional() ? " · " + getTranslation("counter.collectionDate.provisional", String.valueOf(v.pickupDate().getYear())) : "")),
        print,
        row(back(), finish()));
  }

  /**
   * The citizen came in with the card: what follows (the pickup certificate) needs the holder's ID
   * card as well; it goes on only when the ID number swiped is the holder's own.
   */
  private void swipeIdCardFor(Runnable then) {
    TextField id = big(new TextField(getTranslation("terminal.idCard.field")));
    id.setId("terminal-id-card-number");
    Div error = error("terminal-id-card-error");
    Button swipe = button(getTranslation("terminal.identify.idCard"), "terminal-id-card-confirm", () -> {
      String idNumber = idNumber(id.getValue(), error);
      if (idNumber == null) {
        return;
      }
      if (!CardIdentification.isHoldersIdNumber(citizen.idNumber(), idNumber)) {
        error.setText(getTranslation("terminal.idCard.notHolder"));
        return;
      }
      citizen = citizen.withIdCardSwiped();
      then.run();
    });
    show(new H2(getTranslation("terminal.menu.voucher")), new Paragraph(getTranslation("terminal.idCard.needed")), id,
        row(swipe), error, row(back(), finish()));
  }

  private String text(String key) {
    return getTranslation(key);
  }

  private String day(LocalDate d) {
    return day(d, getLocale());
  }

  /** A date as the reader writes it (the counter and the terminal say dates the same way). */
  static String day(LocalDate d, Locale locale) {
    return d.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale));
  }

  /** The citizen is done (or walked away): the next one starts at the welcome screen, in Chinese. */
  private void reset() {
    citizen = null;
    if (!getLocale().getLanguage().equals("zh")) {
      VaadinSession.getCurrent().setAttribute(LOCALE, null);
      UI.getCurrent().getPage().reload();
      return;
    }
    welcome();
  }

  /** Chinese first; a visitor may switch to English until they finish. */
  private Button language() {
    boolean zh = getLocale().getLanguage().equals("zh");
    Button b = new Button(zh ? "English" : "中文", e -> {
      VaadinSession.getCurrent().setAttribute(LOCALE, zh ? Locale.ENGLISH : Locale.SIMPLIFIED_CHINESE);
      UI.getCurrent().getPage().reload();
    });
    b.setId("terminal-language");
    b.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
    return b;
  }

  private Button back() {
    return button(getTranslation("terminal.back"), "terminal-back", this::menu);
  }

  private Button finish() {
    Button b = button(getTranslation("terminal.finish"), "terminal-finish", this::reset);
    b.addThemeVariants(ButtonVariant.LUMO_CONTRAST);
    return b;
  }

  private static HorizontalLayout row(Component... c) {
    HorizontalLayout h = new HorizontalLayout(c);
    h.setSpacing(true);
    h.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
    h.getStyle().set("flex-wrap", "wrap").set("margin", "1rem 0");
    return h;
  }

  private Button button(String text, String id, Runnable action) {
    Button b = new Button(text, e -> action.run());
    b.setId(id);
    b.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_LARGE);
    // touch targets for a finger on a kiosk screen
    b.setMinWidth("24rem");
    b.setHeight("6rem");
    b.getStyle().set("font-size", "1.8rem").set("border-radius", "14px");
    return b;
  }

  private static <T extends TextField> T big(T t) {
    t.setWidth("36rem");
    t.getStyle().set("font-size", "1.6rem");
    return t;
  }

  private static Div error(String id) {
    Div d = new Div();
    d.setId(id);
    d.getStyle().set("color", "var(--lumo-error-text-color)");
    return d;
  }
}
