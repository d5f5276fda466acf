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
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import com.vaadin.flow.spring.security.AuthenticationContext;
import jakarta.annotation.security.RolesAllowed;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.cards.Card;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardNotFound;
import org.cardcase.cards.MedicalInsuranceNumbers;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseRecord;
import org.cardcase.cases.CaseRepository;
import org.cardcase.loss.LossReports;
import org.cardcase.reissue.PickupCertificates;
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
 * The citizen's session ends on "Finish" and after two idle minutes.
 */
@Route("terminal")
@PageTitle("社会保障自助服务终端")
@RolesAllowed("CHANNEL")
public class TerminalView extends VerticalLayout implements BeforeEnterObserver {
  static final long IDLE_SECONDS = 120;
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy年M月d日");

  private final AuthenticationContext auth;
  private final CardLifecycle cards;
  private final CaseRepository cases;
  private final MedicalInsuranceNumbers numbers;
  private final LossReports lossReports;
  private final Vouchers vouchers;
  private final PickupCertificates certificates;
  private final Clock clock;
  private final Div screen = new Div();
  private Citizen citizen;
  private Instant lastTouch;

  /** Who is at the terminal and how they identified (CARD or ID_CARD). */
  record Citizen(String idNumber, String name, String method) {}

  public TerminalView(AuthenticationContext auth, CardLifecycle cards, CaseRepository cases, MedicalInsuranceNumbers numbers,
      LossReports lossReports, Vouchers vouchers, PickupCertificates certificates, Clock clock) {
    this.auth = auth;
    this.cards = cards;
    this.cases = cases;
    this.numbers = numbers;
    this.lossReports = lossReports;
    this.vouchers = vouchers;
    this.certificates = certificates;
    this.clock = clock;
    setSizeFull();
    setPadding(true);
    getStyle().set("font-size", "1.4rem").set("background", "var(--lumo-contrast-5pct)");
    H1 title = new H1("社会保障自助服务终端");
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
      event.rerouteToError(com.vaadin.flow.router.NotFoundException.class, "terminal only");
    }
  }

  @Override
  protected void onAttach(AttachEvent e) {
    UI ui = e.getUI();
    ui.setLocale(Locale.SIMPLIFIED_CHINESE);
    ui.setPollInterval(10_000);
    var poll = ui.addPollListener(p -> {
      if (citizen != null && lastTouch != null && lastTouch.plusSeconds(IDLE_SECONDS).isBefore(clock.instant())) {
        welcome(); // nobody touched the screen: the next person must not see this one's data
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
    TextField number = big(new TextField("请插入社保卡或刷身份证（卡号或身份证号）"));
    number.setId("terminal-identify-number");
    Div error = error("terminal-identify-error");
    Button card = button("插入社保卡", "terminal-by-card", () -> identify(number.getValue(), "CARD", error));
    Button id = button("刷身份证", "terminal-by-id-card", () -> identify(number.getValue(), "ID_CARD", error));
    show(new H2("欢迎使用，请先识别身份"), number, row(card, id), error);
  }

  private void identify(String value, String method, Div error) {
    String v = value == null ? "" : value.strip().toUpperCase();
    if ("CARD".equals(method)) {
      Card c = cards.byCardNumber(v).orElse(null);
      if (c == null) {
        error.setText("未读到有效的社会保障卡，请确认卡号（9位字母或数字）");
        return;
      }
      citizen = new Citizen(c.holderIdNumber(), c.holderName(), method);
    } else {
      IdNumber.Check check = IdNumber.check(v, LocalDate.now(clock.withZone(WorkingDayCalendar.ZONE)));
      if (!check.valid()) {
        error.setText("身份证号无效：" + String.join("；", check.errors()));
        return;
      }
      String idNumber = check.idNumber().value();
      List<Card> held = cards.ofHolder(idNumber);
      List<String> own = cases.caseNumbersOf(idNumber);
      if (held.isEmpty() && own.isEmpty()) {
        error.setText("本系统没有该身份证号的社保卡或业务记录");
        return;
      }
      String name = held.isEmpty() ? cases.findAll(own).get(0).applicantName() : held.get(0).holderName();
      citizen = new Citizen(idNumber, name, method);
    }
    menu();
  }

  private void menu() {
    show(new H2("您好，" + Masking.name(citizen.name()) + "（" + Masking.idNumber(citizen.idNumber()) + "）"),
        row(button("办理进度查询", "terminal-progress", this::progress),
            button("医保号查询", "terminal-number", this::number)),
        row(button("社保卡临时挂失", "terminal-loss", this::loss),
            button("重新打印领卡凭证", "terminal-certificate", this::certificate)),
        finish());
  }

  private void progress() {
    List<CaseRecord> mine = cases.findAll(cases.caseNumbersOf(citizen.idNumber())).stream()
        .sorted(Comparator.comparing(CaseRecord::createdAt).reversed()).limit(5).toList();
    VerticalLayout list = new VerticalLayout();
    list.setId("terminal-progress-list");
    if (mine.isEmpty()) {
      list.add(new Paragraph("没有业务记录"));
    }
    for (CaseRecord c : mine) {
      Div d = new Div(new Span(c.caseNumber() + " · " + text("case.type." + c.caseType()) + " · "
          + text("case.status." + c.status()) + " · " + text("step." + c.currentStep()) + " · 受理于"
          + DAY.format(LocalDate.ofInstant(c.createdAt(), ZoneId.of("Asia/Shanghai")))));
      d.getStyle().set("padding", "0.5rem 0");
      list.add(d);
    }
    show(new H2("办理进度"), list, row(back(), finish()));
  }

  private void number() {
    try {
      MedicalInsuranceNumbers.Lookup l = numbers.lookup(citizen.idNumber(), Channels.TERMINAL, citizen.method());
      Span n = new Span(l.medicalInsuranceNumber());
      n.setId("terminal-number-value");
      n.getStyle().set("font-size", "2.4rem").set("font-weight", "bold").set("letter-spacing", "0.1em");
      show(new H2("您的医保号（社保卡条形码号）"), n, new Paragraph("补换社保卡后医保号不变。"), row(back(), finish()));
    } catch (CardNotFound e) {
      show(new H2("医保号查询"), new Paragraph("您还没有医保号：社保卡制作完成后发放。"), row(back(), finish()));
    }
  }

  private void loss() {
    List<Card> usable = cards.ofHolder(citizen.idNumber()).stream().filter(c -> c.state().settles()).toList();
    if (usable.isEmpty()) {
      show(new H2("社保卡临时挂失"), new Paragraph("您没有可挂失的社保卡（已挂失或尚未启用）。"), row(back(), finish()));
      return;
    }
    TextField phone = big(new TextField("接收挂失单号的手机号码"));
    phone.setId("terminal-loss-phone");
    Div error = error("terminal-loss-error");
    Card card = usable.get(0);
    Button confirm = button("确认挂失（立即停止医保结算）", "terminal-loss-confirm", () -> {
      try {
        LossReports.Reported r = lossReports.report(new LossReports.Report(citizen.idNumber(), card.cardNumber(), citizen.name(),
            phone.getValue().strip()), Channels.TERMINAL);
        Span n = new Span(r.reportNumber());
        n.setId("terminal-loss-number");
        n.getStyle().set("font-size", "2rem").set("font-weight", "bold");
        show(new H2("临时挂失已受理"), new Paragraph("挂失单号："), n,
            new Paragraph(r.settlementStopped() ? "医保结算已停止。请于5个工作日内携带身份证到服务网点办理正式挂失补卡。"
                : "结算系统尚未确认停用，系统将自动重试。请于5个工作日内到服务网点办理正式挂失补卡。"),
            finish());
      } catch (FieldErrors e) {
        error.setText(String.join("；", e.errors().values()));
      } catch (CaseConflict | CardNotFound e) {
        error.setText(e.getMessage());
      }
    });
    confirm.addThemeVariants(ButtonVariant.LUMO_ERROR);
    show(new H2("社保卡临时挂失"), new Paragraph("挂失卡片：尾号" + card.lastFour() + "。挂失后该卡立即停止医保结算。"), phone, error,
        row(confirm, back()));
  }

  private void certificate() {
    Vouchers.Voucher v = vouchers.latestOf(citizen.idNumber()).orElse(null);
    if (v == null) {
      show(new H2("重新打印领卡凭证"), new Paragraph("您没有领卡凭证（正式挂失补卡时出具）。"), row(back(), finish()));
      return;
    }
    StreamResource pdf = new StreamResource(v.number() + ".pdf",
        () -> new ByteArrayInputStream(certificates.print(v.number(), Channels.TERMINAL, Channels.TERMINAL)));
    pdf.setContentType("application/pdf");
    Anchor print = new Anchor(pdf, "打印领卡凭证");
    print.setId("terminal-certificate-print");
    print.setTarget("_blank");
    print.getStyle().set("font-size", "1.8rem").set("padding", "1.2rem 2rem").set("border-radius", "12px")
        .set("background", "var(--lumo-primary-color)").set("color", "white").set("display", "inline-block");
    String state = v.state() == Vouchers.State.VALID ? "有效的临时就医凭证" : "已失效（" + v.state() + "）";
    show(new H2("领卡凭证 " + v.number()), new Paragraph("领卡日期：" + DAY.format(v.pickupDate()) + "起 · " + state), print,
        row(back(), finish()));
  }

  private String text(String key) {
    return getTranslation(Locale.SIMPLIFIED_CHINESE, key);
  }

  private Button back() {
    return button("返回", "terminal-back", this::menu);
  }

  private Button finish() {
    Button b = button("结束并退卡", "terminal-finish", this::welcome);
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
