package org.cardcase.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.fakeservlet.FakeRequest;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.github.mvysny.kaributesting.v10.Routes;
import com.github.mvysny.kaributesting.v10.spring.MockSpringServlet;
import com.vaadin.flow.component.ComponentUtil;
import com.vaadin.flow.component.PollEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.server.VaadinServletRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cardcase.CardCaseApplication;
import org.cardcase.RunningSystem;
import org.cardcase.Scenarios;
import org.cardcase.access.Accounts;
import org.cardcase.application.CardApplication;
import org.cardcase.application.CardApplications;
import org.cardcase.cases.CaseRepository;
import org.cardcase.cases.Cases;
import org.cardcase.flow.EngineSupervisor;
import org.cardcase.shared.IdNumber;
import org.cardcase.tasks.HumanTask;
import org.cardcase.tasks.TaskQueue;
import org.cardcase.tasks.TaskStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a clerk sees when the engine fails (self-healing off, so it stays down until an
 * administrator replaces it): the header says so, a task completed meanwhile is saved and the clerk
 * is told it waits for the engine, and once the engine is replaced the case moves on by itself.
 */
// a context of its own: closed after the class, so the JVM does not close them all at its exit
@DirtiesContext
@SpringBootTest(classes = CardCaseApplication.class, properties = {
    "cardcase.search.mode=external", "cardcase.search.url=http://127.0.0.1:9", "cardcase.search.outbox-interval=1h",
    "cardcase.simulators.registry.delay=10ms", "cardcase.simulators.bank.produce-after=1h",
    "cardcase.engine.self-heal=false", "cardcase.engine.probe.interval=500ms", "cardcase.recovery.sweep-interval=1s"})
class EngineFailureViewsTest {
  @DynamicPropertySource
  static void ports(DynamicPropertyRegistry r) {
    r.add("cardcase.data-dir", () -> Path.of("target", "engine-views-test-" + System.nanoTime()).toString());
    r.add("cardcase.postgres.port", RunningSystem::freePort);
    r.add("cardcase.engine.port", RunningSystem::freePort);
  }

  @Autowired ApplicationContext ctx;
  @Autowired CardApplications service;
  @Autowired CaseRepository cases;
  @Autowired TaskStore tasks;
  @Autowired TaskQueue queue;
  @Autowired Accounts accounts;
  @Autowired EngineSupervisor engine;

  @BeforeEach
  void vaadin() {
    MockVaadin.setup(UI::new, new MockSpringServlet(new Routes().autoDiscoverViews("org.cardcase.ui"), ctx, UI::new));
  }

  @AfterEach
  void tearDown() {
    MockVaadin.tearDown();
    SecurityContextHolder.clearContext();
  }

  @Test
  void theHeaderSaysTheEngineIsDownAndACompletionIsSavedUntilItIsBack() throws Exception {
    String first17 = "11010519900505123";
    String idNumber = first17 + IdNumber.checkCharacter(first17);
    String cn = service.submit(new CardApplication("萧峰", idNumber, "MALE", "13812345678", "ICBC", "web-portal",
        Scenarios.png(400, 500), Scenarios.png(700, 450)), "web-portal");
    HumanTask[] t = new HumanTask[1];
    Scenarios.await("the photo comparison", () -> {
      t[0] = tasks.open(cn).stream().filter(x -> x.elementId().equals("compare-photos")).findFirst().orElse(null);
      return t[0] != null;
    });
    signIn("clerk");
    queue.claim(t[0].id(), new TaskQueue.Person("clerk", List.of("CLERK"), List.of("verification", "counter")));
    UI.getCurrent().navigate(TaskView.class, t[0].id());
    assertThat(_find(Span.class, spec -> spec.withId("engine-status"))).as("no banner while the engine works").isEmpty();

    long t0 = System.nanoTime();
    engine.injectFault();
    Scenarios.await("the engine reported down", () -> engine.status().state() == EngineSupervisor.State.DOWN);
    assertThat((System.nanoTime() - t0) / 1_000_000_000.0).as("seconds until it shows").isLessThan(10);
    // the browser polls every 5 s; here the poll is fired by hand
    ComponentUtil.fireEvent(UI.getCurrent(), new PollEvent(UI.getCurrent(), true));
    Span banner = _get(Span.class, spec -> spec.withId("engine-status"));
    assertThat(banner.getText()).startsWith("Workflow engine unavailable since");

    // complete the comparison while the engine is down
    @SuppressWarnings("unchecked")
    RadioButtonGroup<String> decision = _get(RadioButtonGroup.class, spec -> spec.withId("field-photoDecision"));
    decision.setValue("APPROVE");
    _click(_get(Button.class, spec -> spec.withId("complete-task")));
    // the clerk is told the truth
    NotificationsKt.expectNotifications("Saved. The workflow engine is not answering right now; "
        + "the case continues by itself as soon as it is back.");
    assertThat(tasks.find(t[0].id()).orElseThrow().state()).as("stored").isEqualTo("COMPLETED");

    // an administrator replaces the engine; the case continues with the saved decision
    engine.replace("test: replaced by an administrator");
    Scenarios.await("the case moved on with the saved decision",
        () -> !cases.get(cn).currentStep().equals("compare-photos") && !cases.get(cn).currentStep().equals("verify-identity"));
    assertThat(engine.status().state()).isEqualTo(EngineSupervisor.State.UP);
  }

  void signIn(String user) {
    var account = accounts.find(user).orElseThrow();
    var authorities = account.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList();
    var auth = new UsernamePasswordAuthenticationToken(new User(user, "", authorities), null, authorities);
    SecurityContextHolder.getContext().setAuthentication(auth);
    var request = (FakeRequest) VaadinServletRequest.getCurrent().getRequest();
    request.setUserPrincipalInt(auth);
    request.setUserInRole((principal, role) -> account.roles().contains(role));
    UI.getCurrent().setLocale(Locale.ENGLISH);
  }
}
