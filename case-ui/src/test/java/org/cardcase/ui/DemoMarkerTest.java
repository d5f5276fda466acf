package org.cardcase.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.fakeservlet.FakeRequest;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.github.mvysny.kaributesting.v10.spring.MockSpringServlet;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.server.VaadinServletRequest;
import java.nio.file.Path;
import java.util.Locale;
import org.cardcase.CardCaseApplication;
import org.cardcase.RunningSystem;
import org.cardcase.access.Accounts;
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

/** The demo says so in the workspace header, on every screen and in both languages. */
// a context of its own: closed after the class, so the JVM does not close them all at its exit
@DirtiesContext
@SpringBootTest(classes = CardCaseApplication.class, properties = {
    "cardcase.search.mode=external", "cardcase.search.url=http://127.0.0.1:9", "cardcase.search.outbox-interval=1h",
    "cardcase.simulators.bank.produce-after=1h"})
class DemoMarkerTest {
  @DynamicPropertySource
  static void ports(DynamicPropertyRegistry r) {
    r.add("cardcase.data-dir", () -> Path.of("target", "demo-marker-test-" + System.nanoTime()).toString());
    r.add("cardcase.postgres.port", RunningSystem::freePort);
    r.add("cardcase.engine.port", RunningSystem::freePort);
  }

  @Autowired ApplicationContext ctx;
  @Autowired Accounts accounts;

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
  void theHeaderSaysItIsTheDemoInChinese() {
    signIn("clerk", MainLayout.ZH);
    UI.getCurrent().navigate(CasesView.class);
    Span marker = _get(Span.class, spec -> spec.withId("demo-marker"));
    assertThat(marker.isVisible()).isTrue();
    assertThat(marker.getText()).isEqualTo("演示环境 — 请勿录入真实群众数据");
    assertThat(marker.getElement().getAttribute("title")).contains("演示账号");
  }

  @Test
  void theHeaderSaysItIsTheDemoInEnglish() {
    signIn("analyst", Locale.ENGLISH);
    UI.getCurrent().navigate(CalendarView.class);
    Span marker = _get(Span.class, spec -> spec.withId("demo-marker"));
    assertThat(marker.isVisible()).isTrue();
    assertThat(marker.getText()).isEqualTo("Demo — not for real citizens' data");
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
}
