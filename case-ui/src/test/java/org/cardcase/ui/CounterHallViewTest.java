package org.cardcase.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.fakeservlet.FakeRequest;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.github.mvysny.kaributesting.v10.spring.MockSpringServlet;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.server.VaadinServletRequest;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.cardcase.CardCaseApplication;
import org.cardcase.RunningSystem;
import org.cardcase.Scenarios;
import org.cardcase.access.Accounts;
import org.cardcase.application.CardApplication;
import org.cardcase.application.CardApplications;
import org.cardcase.cards.CardLifecycle;
import org.cardcase.cards.CardState;
import org.cardcase.cases.CaseRepository;
import org.cardcase.childcard.ChildCards;
import org.cardcase.flow.MessageInbox;
import org.cardcase.shared.IdNumber;
import org.cardcase.verification.PhotosOnFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The photo on file and the hall lookups on the counter's screen (Karibu-Testing, the real application context:
 * engine, PostgreSQL, workers): the registry's photo on file is shown to the clerk (audited) before
 * "use the photo on file" can be ticked, and the hall lookup tab reads the ID card and shows the
 * child e-cards, the medical insurance number and the cases, each look audited under the clerk.
 */
// a context of its own: closed after the class, so the JVM does not close them all at its exit
@DirtiesContext
@SpringBootTest(classes = CardCaseApplication.class, properties = {
    "cardcase.search.mode=external", "cardcase.search.url=http://127.0.0.1:9", "cardcase.search.outbox-interval=1h",
    "cardcase.simulators.registry.delay=10ms", "cardcase.simulators.bank.produce-after=1h",
    "cardcase.jobs.retry-backoff=100ms"})
class CounterHallViewTest {
  @DynamicPropertySource
  static void ports(DynamicPropertyRegistry r) {
    r.add("cardcase.data-dir", () -> Path.of("target", "counter-hall-test-" + System.nanoTime()).toString());
    r.add("cardcase.postgres.port", RunningSystem::freePort);
    r.add("cardcase.engine.port", RunningSystem::freePort);
  }

  @Autowired ApplicationContext ctx;
  @Autowired CardApplications applications;
  @Autowired ChildCards childCards;
  @Autowired Accounts accounts;
  @Autowired JdbcClient jdbc;
  @Autowired PhotosOnFile photosOnFile;
  @Autowired CaseRepository cases;
  @Autowired CardLifecycle cards;
  @Autowired MessageInbox inbox;

  @BeforeEach
  void vaadin() {
    Routes routes = new Routes().autoDiscoverViews("org.cardcase.ui");
    MockVaadin.setup(UI::new, new MockSpringServlet(routes, ctx, UI::new));
  }

  @AfterEach
  void tearDown() {
    MockVaadin.tearDown();
    SecurityContextHolder.clearContext();
  }

  void signIn(String user, Locale locale) {
    var account = accounts.find(user).orElseThrow();
    var authorities = account.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList();
    var auth = new UsernamePasswordAuthenticationToken(new User(user, "", authorities), null, authorities);
    SecurityContextHolder.getContext().setAuthentication(auth);
    FakeRequest request = (FakeRequest) VaadinServletRequest.getCurrent().getRequest();
    request.setUserPrincipalInt(auth);
    request.setUserInRole((principal, role) -> account.roles().contains(role));
    UI.getCurrent().setLocale(locale);
  }

  static String id(String first17) {
    return first17 + IdNumber.checkCharacter(first17);
  }

  long personalDataViews(String idNumber, String actor) {
    return jdbc.sql("select count(*) from audit_entry where subject = ? and action = 'PERSONAL_DATA_VIEWED' and actor = ?")
        .params(photosOnFile.subject(idNumber), actor).query(Long.class).single();
  }

  @Test
  void theClerkShowsThePhotoOnFileBeforeItCanBeChosenAndAnotherNumberHidesIt() {
    String applicant = id("11010519880808031");
    signIn("clerk", Locale.ENGLISH);
    UI.getCurrent().navigate(CounterView.class);
    Checkbox onFile = _get(Checkbox.class, spec -> spec.withId("application-usePhotoOnFile"));
    assertThat(onFile.isEnabled()).as("nothing shown yet: nothing to choose").isFalse();
    TextField idNumber = _get(TextField.class, spec -> spec.withId("application-idNumber"));

    _click(_get(Button.class, spec -> spec.withId("application-photo-on-file-show")));
    assertThat(_get(Div.class, spec -> spec.withId("application-photo-on-file-error")).getText()).contains("ID number");
    idNumber.setValue(applicant.toLowerCase());
    _click(_get(Button.class, spec -> spec.withId("application-photo-on-file-show")));
    Image image = _get(Image.class, spec -> spec.withId("application-photo-on-file-image"));
    assertThat(image.isVisible()).isTrue();
    assertThat(image.getSrc()).isNotBlank();
    assertThat(onFile.isEnabled()).as("shown: now it may be chosen").isTrue();
    assertThat(personalDataViews(applicant, "clerk")).as("the showing is audited under the clerk").isEqualTo(1);
    onFile.setValue(true);

    // another applicant's number: the photo is not theirs; hidden and the choice undone
    idNumber.setValue(id("11010519880808015"));
    assertThat(image.isVisible()).isFalse();
    assertThat(onFile.getValue()).isFalse();
    assertThat(onFile.isEnabled()).isFalse();

    // nobody on file: said so, nothing to choose
    idNumber.setValue(id("11010519880808991"));
    _click(_get(Button.class, spec -> spec.withId("application-photo-on-file-show")));
    assertThat(_get(Div.class, spec -> spec.withId("application-photo-on-file-error")).getText()).contains("no photo on file");
    assertThat(onFile.isEnabled()).isFalse();
  }

  @Test
  void theCounterReadsTheIdCardAndShowsTheChildECardsTheNumberAndTheCases() throws Exception {
    String parent = id("11010519870707999"); // the registry matches clearly: verified without a clerk
    String applied = applications.submit(new CardApplication("胡青牛", parent, "MALE", "13812345678", "ICBC", "web-portal",
        Scenarios.png(400, 500), Scenarios.png(700, 450)), "web-portal");
    Scenarios.await("the card ordered", () -> cases.get(applied).currentStep().equals("wait-card-produced"));
    inbox.receive("test-produced-" + applied, "card-produced", applied, "card-production", Map.of("cardNumber", "H" + applied.substring(8)));
    Scenarios.await("at the branch", () -> cases.get(applied).currentStep().equals("wait-card-activated"));
    inbox.receive("test-activated-" + applied, "card-activated", applied, "card-production", Map.of("branch", "test branch"));
    Scenarios.await("active", () -> cards.byCase(applied).orElseThrow().state() == CardState.ACTIVE);
    String number = cards.byCase(applied).orElseThrow().medicalInsuranceNumber();
    String kid = id("11010520200202027");
    ChildCards.Letter letter = childCards.letter(parent, "胡青牛", "胡小牛", kid);
    String childCase = childCards.request(new ChildCards.Request(parent, "胡青牛", "13600000000", "胡小牛", kid,
        Scenarios.png(900, 700), true, ChildCards.NOTICE_VERSION, letter.sha256(), "胡青牛"), "nhsa-app");
    Scenarios.await("e-card issued", () -> cases.get(childCase).closedAt() != null);

    signIn("clerk", Locale.SIMPLIFIED_CHINESE);
    UI.getCurrent().navigate(CounterView.class);
    TabSheet tabs = _get(TabSheet.class, spec -> spec.withId("counter-tabs"));
    tabs.setSelectedTab(_find(Tab.class).stream().filter(t -> "大厅查询（身份证）".equals(t.getLabel()))
        .findFirst().orElseThrow());
    TextField idCard = _get(TextField.class, spec -> spec.withId("lookup-idNumber"));
    // a misread number: said at the field in Chinese, nothing looked up
    idCard.setValue(parent.substring(0, 17) + (parent.charAt(17) == '0' ? '1' : '0'));
    _click(_get(Button.class, spec -> spec.withId("lookup-read")));
    assertThat(idCard.isInvalid()).isTrue();
    assertThat(idCard.getErrorMessage()).contains("身份证");
    assertThat(_find(Span.class, spec -> spec.withId("lookup-number"))).isEmpty();

    idCard.setValue(parent);
    _click(_get(Button.class, spec -> spec.withId("lookup-read")));
    assertThat(_get(Span.class, spec -> spec.withId("lookup-number")).getText()).startsWith(number).contains("正常");
    String children = _get(VerticalLayout.class, spec -> spec.withId("lookup-children")).getElement().getTextRecursively();
    assertThat(children).contains(childCase).contains("EC").contains("胡*").doesNotContain("胡小牛").doesNotContain(kid);
    String listed = _get(VerticalLayout.class, spec -> spec.withId("lookup-cases")).getElement().getTextRecursively();
    assertThat(listed).contains(applied).contains(childCase).contains("社保卡申领").contains("少儿医保电子凭证");
    for (String[] look : new String[][] {{applied, "NUMBER_LOOKED_UP"}, {childCase, "CHILD_CARD_LOOKED_UP"},
        {applied, "PROGRESS_LOOKED_UP"}}) {
      assertThat(jdbc.sql("select count(*) from audit_entry where subject = ? and action = ? and actor = 'clerk' and channel = 'counter'")
          .params("case:" + look[0], look[1]).query(Long.class).single()).as(String.join(" ", look)).isEqualTo(1);
    }

    // a clerk of another work group never gets the counter's screen
    tearDown();
    vaadin();
    signIn("clerk2", Locale.ENGLISH);
    UI.getCurrent().navigate(CounterView.class);
    assertThat(_find(TextField.class, spec -> spec.withId("lookup-idNumber"))).isEmpty();
  }
}
