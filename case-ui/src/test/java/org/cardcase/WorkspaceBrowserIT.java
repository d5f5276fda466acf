package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The workspace in real headless Chromium against the packaged application: a clerk signs in,
 * claims the photo comparison of a real application, completes its form and sees the case move on;
 * a clerk of another group cannot open that task, and a clerk cannot open the supervisors' view.
 * Screenshots of the main screens are saved under target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkspaceBrowserIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SHOTS = Path.of("target", "screenshots");
  WebDriver browser;
  Path profile;

  /** One system for the class, the bank quick; the modeler walk deploys new versions, so it runs last. */
  static RunningSystem sys;

  @BeforeAll
  static void start() throws Exception {
    sys = new RunningSystem("workspace").with("--cardcase.simulators.bank.produce-after=1s").start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (sys != null) {
      sys.close();
    }
  }

  @BeforeEach
  void browser() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "Chromium and ChromeDriver are installed by .ci/run (apt: chromium chromium-driver)");
    profile = Files.createTempDirectory("chromium-profile");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1440,1000",
        "--user-data-dir=" + profile, "--lang=zh-CN",
        // the counter's camera: Chromium's own test pattern instead of a device, and no permission prompt
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SHOTS);
  }

  @AfterEach
  void close() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  @Order(3)
  void aClerkClaimsAndCompletesARealNameReviewAndOthersCannot() throws Exception {
    String cn = created(sys.post("/api/applications", PORTAL, application("萧峰", id("11010519830303011"), "MALE")));
    // the step is recorded by the checkpoint, the task a moment later by the user task worker
    await("photo comparison task", () -> sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK)).size() == 1);
    long taskId = sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK)).get(0).get("id").asLong();
    String base = "http://127.0.0.1:" + sys.httpPort;

    // a clerk of the card centre: not this group's task, and no supervisor view
    signIn(base, "clerk2", "clerk2-demo");
    browser.get(base + "/task/" + taskId);
    waitFor(By.id("task-forbidden"));
    assertThat(browser.findElements(By.id("complete-task"))).isEmpty();
    assertThat(browser.getPageSource()).doesNotContain("萧峰");
    // nor the case file: work groups separate case files too (defect 5)
    browser.get(base + "/case/" + cn);
    assertThat(waitFor(By.id("case-not-yours")).getText()).contains(cn);
    assertThat(browser.getPageSource()).doesNotContain("萧峰").doesNotContain("萧*");
    shot("case-not-yours");
    assertThat(sys.get("/api/cases/" + cn, "clerk2:clerk2-demo").statusCode()).as("the API keeps the same rule").isEqualTo(403);
    assertThat(sys.get("/api/cases/" + cn + "/documents", "clerk2:clerk2-demo").statusCode()).isEqualTo(403);
    browser.get(base + "/supervision");
    Thread.sleep(1500);
    assertThat(browser.findElements(By.id("sla-steps"))).as("supervisor view refused").isEmpty();
    // said in the clerk's language inside the workspace, with the way back (defect 4)
    assertThat(waitFor(By.id("not-allowed")).getText()).contains("您无权打开此页面", "返回首页");
    assertThat(browser.findElements(By.tagName("vaadin-app-layout"))).as("inside the layout").isNotEmpty();
    shot("clerk-denied-supervision");
    signOut(base);

    // the verification clerk: group queue, claim, open, complete through the form
    signIn(base, "clerk", "clerk-demo");
    browser.get(base + "/tasks");
    waitFor(By.id("tasks"));
    WebElement claim = waitFor(By.id("claim-" + taskId));
    shot("task-queue");
    assertThat(js("return getComputedStyle(arguments[0]).backgroundColor;",
        waitFor(By.cssSelector("#tasks [theme~='badge']")))).as("badges have their colours").isNotEqualTo("rgba(0, 0, 0, 0)");
    assertThat((Boolean) js("const t = arguments[0].shadowRoot.querySelector('#table'); return t.scrollWidth <= t.clientWidth + 1;",
        waitFor(By.id("tasks")))).as("the queue fits a 1440 px window without scrolling sideways (defect 10)").isTrue();
    ((JavascriptExecutor) browser).executeScript("arguments[0].click();", claim);
    await("claimed", () -> sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK)).get(0).get("assignee").asText().equals("clerk"));
    browser.get(base + "/task/" + taskId);
    waitFor(By.id("field-photoDecision"));
    waitFor(By.cssSelector("#task-documents img"));
    shot("task-compare-photos");
    // the photos enlarged side by side, zoomed together (defect 11)
    click("task-photos-compare");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("vaadin-dialog-overlay img")).stream()
        .filter(i -> Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0", i))).count() == 2);
    click("photo-zoom-in");
    waitForText("photo-zoom-level", "125%");
    shot("task-photo-compare");
    click("photo-compare-close");
    // a refusal without a reason is shown next to the field and completes nothing
    choose("field-photoDecision", 1); // reject

    click("complete-task");
    WebElement reason = waitFor(By.id("field-decisionReason"));
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> reason.getAttribute("invalid") != null);
    assertThat(sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK))).hasSize(1);
    shot("task-form-error");
    // the reason typed and Ctrl+Enter pressed in the field itself: the typed reason is what is completed (defect 1)
    reason.findElement(By.tagName("textarea")).sendKeys("证件照片模糊，请重新上传");
    reason.findElement(By.tagName("textarea")).sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL,
        org.openqa.selenium.Keys.ENTER));
    // the case file opens and the case has moved on
    waitFor(By.id("case-step"));
    await("case moved on", () -> !step(sys, cn).equals("compare-photos"));
    // the bpmn-js viewer draws the deployed model with the case's step marked
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(
        By.cssSelector("bpmn-viewer#diagram-card-application[rendered] .cardcase-current")).size() == 1);
    shot("case-file");
    // what the clerk finished today, with the decision in their words (defect 12)
    browser.get(base + "/tasks");
    click("scope-done");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.id("done-grid")).size() == 1
        && d.findElement(By.id("done-grid")).getText().contains(cn));
    assertThat(browser.findElement(By.id("done-grid")).getText()).contains("非同一人，不通过");
    shot("tasks-done-by-me");
    JsonNode audit = sys.json(sys.get("/api/audit/cases/" + cn, SUPERVISOR));
    List<String> actions = new java.util.ArrayList<>();
    audit.forEach(e -> actions.add(e.get("action").asText()));
    assertThat(actions).contains("TASK_CLAIMED", "DOCUMENT_VIEWED", "TASK_COMPLETED", "CASE_VIEWED");
    assertThat(audit.toString()).as("the reason typed before Ctrl+Enter").contains("证件照片模糊，请重新上传");

    // search: matched field highlighted, personal data masked
    browser.get(base + "/");
    WebElement search = waitFor(By.id("case-search"));
    ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];"
        + "arguments[0].dispatchEvent(new CustomEvent('change'));", search, "萧峰");
    new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> d.getPageSource().contains(cn));
    assertThat(browser.getPageSource()).contains("萧*").doesNotContain("萧峰</");
    shot("case-search");
    browser.get(base + "/calendar");
    waitFor(By.id("calendar-years"));
    shot("calendar");
    signOut(base);

    // the supervisors' dashboard: a number leads to the tasks behind it, which export to CSV
    String waiting = created(sys.post("/api/applications", PORTAL, application("阿朱", id("11010519850505022"), "FEMALE")));
    await("second photo comparison task", () -> sys.json(sys.get("/api/tasks?caseNumber=" + waiting, CLERK)).size() == 1);
    signIn(base, "supervisor", "supervisor-demo");
    browser.get(base + "/tasks");
    waitFor(By.id("reassign-" + sys.json(sys.get("/api/tasks?caseNumber=" + waiting, CLERK)).get(0).get("id").asLong()));
    assertThat((Boolean) js("const t = arguments[0].shadowRoot.querySelector('#table'); return t.scrollWidth <= t.clientWidth + 1;",
        waitFor(By.id("tasks")))).as("the supervisor's queue, with its reassign boxes, fits 1440 px too").isTrue();
    shot("task-queue-supervisor");
    await("the dashboard counts the open task", () -> {
      browser.get(base + "/dashboard");
      return Long.parseLong(waitFor(By.cssSelector("#kpi-open span")).getText().strip()) >= 1;
    });
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> !d.findElements(By.cssSelector("#chart-backlog canvas")).isEmpty());
    assertThat(browser.findElement(By.id("chart-backlog")).getAttribute("data-summary"))
        .as("the backlog chart's bar for the step, in the browser's language").contains("人工比对照片");
    Thread.sleep(500); // the charts draw without animation, but after the page settles
    shot("dashboard");
    click("kpi-open");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getPageSource().contains(waiting));
    assertThat(browser.findElement(By.id("dashboard-export")).getAttribute("href")).isNotBlank();
    shot("dashboard-tasks");
    // the heatmap on the diagram: the case waiting at the photo comparison is counted on the step that calls it
    WebElement heat = waitFor(By.id("heat-diagram"));
    ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", heat);
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> !d.findElements(By.cssSelector("#heat-diagram .cardcase-heat-waiting")).isEmpty());
    Thread.sleep(500);
    shot("dashboard-heatmap");
    signOut(base);
    signIn(base, "clerk", "clerk-demo");
    browser.get(base + "/dashboard");
    Thread.sleep(1500);
    assertThat(browser.findElements(By.id("kpi-open"))).as("dashboard refused to a clerk").isEmpty();
    signOut(base);

    // the process library: an analyst sees each process with the engine's version and its open cases, and may check a model
    signIn(base, "analyst", "analyst-demo");
    browser.get(base + "/models");
    waitFor(By.id("models-check-upload"));
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getPageSource().contains("card-application"));
    assertThat(browser.getPageSource()).contains("社保卡申领").contains("card-application.bpmn").contains("cardcase:compare-photos");
    shot("models");

    // a draft in the modeler: a broken job type is marked on the canvas, the collection reminder's
    // working days are changed in the model and saved by themselves; a second person approves
    String analyst = "analyst:analyst-demo";
    long draft = sys.json(sys.post("/api/models/drafts", analyst, "{\"processId\":\"card-application\"}")).get("id").asLong();
    browser.get(base + "/models/draft/" + draft);
    WebElement modeler = waitFor(By.id("draft-modeler"));
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> modeler.getAttribute("rendered") != null);
    assertThat(browser.findElements(By.cssSelector("#draft-modeler .bio-properties-panel"))).as("Camunda properties panel").isNotEmpty();
    assertThat(browser.findElements(By.cssSelector("#draft-modeler .bjs-powered-by"))).as("bpmn.io watermark").isNotEmpty();
    String api = "const modeler = arguments[0]._modeler; const reg = modeler.get('elementRegistry');"
        + " const modeling = modeler.get('modeling');";
    String jobType = api + "const el = reg.get('notify-card-ready'); modeler.get('selection').select(el);"
        + " const td = el.businessObject.extensionElements.values.find(v => v.$type === 'zeebe:TaskDefinition');"
        + " modeling.updateModdleProperties(el, td, {type: arguments[1]});";
    // no job type at all: the Camunda 8.8 lint in the browser marks it
    js(jobType, modeler, "");
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> String.valueOf(modeler.getAttribute("data-lint")).contains("notify-card-ready:camunda-compat/implementation"));
    shot("draft-lint");
    // a job type no worker here has: valid Camunda, but this system's rules (on the server) mark it
    js(jobType, modeler, "card.notify-by-fax");
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> String.valueOf(modeler.getAttribute("data-problems")).contains("notify-card-ready"));
    assertThat(browser.findElement(By.id("draft-check-verdict")).getText()).contains("1");
    assertThat(String.valueOf(modeler.getAttribute("data-lint"))).doesNotContain("notify-card-ready");
    shot("draft-problem");
    js(api + "modeler.get('commandStack').undo(); modeler.get('commandStack').undo();"
        + " const el = reg.get('collection-reminder-due');"
        + " const p = el.businessObject.extensionElements.values.find(v => v.$type === 'zeebe:Properties')"
        + ".properties.find(x => x.name === 'cardcase:workingDays'); modeling.updateModdleProperties(el, p, {value: '12'});"
        + " modeler.get('selection').select(el);", modeler);
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> String.valueOf(modeler.getAttribute("data-problems")).isEmpty()
        && saved(sys, "/api/models/drafts/" + draft + "/file", analyst)
            .matches("(?s).*id=\"collection-reminder-due\".*?cardcase:workingDays\" value=\"12\".*"));
    shot("draft-deadline");
    // tried on the recent cases before it is proposed: the reminder's working days differ for none yet
    click("draft-trial-run");
    new WebDriverWait(browser, Duration.ofSeconds(90)).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> !d.findElement(By.id("draft-trial-summary")).getText().isBlank());
    assertThat(browser.findElement(By.id("draft-trial-summary")).getText()).contains("件路径不同");
    js("arguments[0].scrollIntoView()", browser.findElement(By.id("draft-trial-summary")));
    shot("draft-trial");
    click("draft-propose");
    waitForText("draft-status", "待审批");
    assertThat(browser.findElements(By.id("draft-approve"))).as("not approved by who made it").isEmpty();
    signOut(base);
    signIn(base, "admin", "admin-demo");
    browser.get(base + "/models/draft/" + draft);
    waitFor(By.id("draft-changes"));
    assertThat(browser.getPageSource()).contains("collection-reminder-due");
    shot("draft-review");
    js("arguments[0].scrollIntoView()", waitFor(By.id("draft-impact-intro")));
    shot("draft-impact");
    click("draft-approve");
    waitForText("draft-status", "已部署");
    assertThat(sys.json(sys.get("/api/models/drafts/" + draft, analyst)).at("/draft/deployedVersion").asInt()).isEqualTo(2);
    String next = created(sys.post("/api/applications", PORTAL, application("段誉", id("11010519830303031"), "MALE")));
    await("the next case runs on version 2",
        () -> sys.count("select count(*) from process_link where case_number = ? and model_version = 2", next) == 1);
    signOut(base);

    // a form label changed in the form editor, approved by a second person: the next task shows it
    signIn(base, "analyst", "analyst-demo");
    browser.get(base + "/models");
    click("models-form-draft-compare-photos");
    WebElement formEditor = waitFor(By.id("draft-form-editor"));
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> formEditor.getAttribute("rendered") != null);
    long formDraft = Long.parseLong(browser.getCurrentUrl().replaceAll(".*/", ""));
    js("const e = arguments[0]._editor; const f = e.get('formFieldRegistry').getAll().find(x => x.key === 'photoDecision');"
        + " e.get('modeling').editFormField(f, 'label', arguments[1]);", formEditor,
        "Is the applicant in both photos? / 两张照片是否均为申请人本人");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d ->
        saved(sys, "/api/models/drafts/" + formDraft + "/file", analyst).contains("两张照片是否均为申请人本人"));
    shot("form-draft");
    click("draft-propose");
    waitForText("draft-status", "待审批");
    assertThat(sys.post("/api/models/drafts/" + formDraft + "/approval", "admin:admin-demo", "{}").statusCode()).isEqualTo(200);
    signOut(base);
    String third = created(sys.post("/api/applications", PORTAL, application("虚竹", id("11010519830303051"), "MALE")));
    await("its photo comparison", () -> sys.json(sys.get("/api/tasks?caseNumber=" + third, CLERK)).size() == 1);
    long thirdTask = sys.json(sys.get("/api/tasks?caseNumber=" + third, CLERK)).get(0).get("id").asLong();
    signIn(base, "clerk", "clerk-demo");
    browser.get(base + "/task/" + thirdTask);
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getPageSource().contains("两张照片是否均为申请人本人"));
    shot("task-new-form");

    // the clerk's changed screens in English too (the ones above are in Chinese)
    js("arguments[0].value = '2';", waitFor(By.id("language")));
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getPageSource().contains("Sign out"));
    browser.get(base + "/tasks");
    waitFor(By.id("tasks"));
    shot("task-queue-en");
    click("scope-done");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("done-grid")).getText().contains(cn));
    shot("tasks-done-by-me-en");
    browser.get(base + "/task/" + thirdTask);
    waitFor(By.cssSelector("#task-documents img"));
    shot("task-compare-photos-en");
    browser.get(base + "/case/" + cn);
    waitFor(By.id("case-step"));
    assertThat(browser.findElement(By.tagName("body")).getText()).contains("for a step the case has passed");
    shot("case-file-en");
    browser.get(base + "/");
    WebElement searchEn = waitFor(By.id("case-search"));
    js("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new CustomEvent('change'));", searchEn, cn);
    new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> d.findElement(By.id("cases")).getText().contains(cn));
    shot("case-search-en");
    js("arguments[0].value = '1';", waitFor(By.id("language")));
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getPageSource().contains("退出"));
    signOut(base);

    // the sign-in page's language switch; the choice becomes the person's (defect 10); administration (defect 12)
    browser.get(base + "/login");
    waitFor(By.id("login-language"));
    shot("login-zh");
    js("arguments[0].value = '2';", waitFor(By.id("login-language")));
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getPageSource().contains("Sign in"));
    shot("login-en");
    signIn(base, "admin", "admin-demo");
    browser.get(base + "/admin");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("staff-grid")).getText().contains("clerk2"));
    assertThat(browser.findElement(By.tagName("vaadin-side-nav")).getText()).contains("Administration");
    assertThat(sys.count("select count(*) from staff_user where username = 'admin' and locale = 'en'")).isEqualTo(1);
    shot("admin-staff-en");
    click("staff-enable-clerk2");
    WebElement why = waitFor(By.id("staff-reason"));
    why.findElement(By.tagName("input")).sendKeys("on leave until the new year" + org.openqa.selenium.Keys.TAB);
    click("staff-confirm");
    await("clerk2 disabled", () -> sys.count("select count(*) from staff_user where username = 'clerk2' and not enabled") == 1);
    assertThat(sys.get("/api/tasks", "clerk2:clerk2-demo").statusCode()).as("a disabled account calls nothing").isEqualTo(401);
    click("admin-tab-health");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("health-grid")).getText().contains("PostgreSQL"));
    shot("admin-health-en");
    click("admin-tab-search");
    waitFor(By.id("search-backlog"));
    shot("admin-search-en");
    browser.get(base + "/calendar");
    waitFor(By.id("calendar-table"));
    // a year typed: its days in the table, each with a date picker in the reader's format
    js("arguments[0].value = '2026'; arguments[0].dispatchEvent(new CustomEvent('change'));", waitFor(By.id("calendar-year")));
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#calendar-table vaadin-date-picker")).size() > 10);
    shot("calendar-en");
    js("arguments[0].value = '1';", waitFor(By.id("language")));
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getPageSource().contains("工作日历"));
    js("arguments[0].value = '2026'; arguments[0].dispatchEvent(new CustomEvent('change'));", waitFor(By.id("calendar-year")));
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#calendar-table vaadin-date-picker")).size() > 10);
    shot("calendar-zh");
    browser.get(base + "/admin");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("staff-grid")).getText().contains("已停用"));
    shot("admin-staff-zh");
    click("admin-tab-health");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("health-grid")).getText().contains("正常"));
    shot("admin-health-zh");
  }

  @Test
  @Order(1)
  void aCounterClerkTakesAFormalReportAndReissueAndPrintsTheCertificateAndATerminalPrintsItAgain() throws Exception {
    String holder = id("11010519800101999");
    String applied = created(sys.post("/api/applications", PORTAL, application("狄云", holder, "MALE")));
    await("card ready", () -> status(sys, applied).equals("CARD_READY"));
    sys.post("/api/callbacks/card-activated", PARTNER, "{\"callbackId\":\"act-c\",\"caseNumber\":\"" + applied + "\",\"branch\":\"ICBC\"}");
    await("card active", () -> status(sys, applied).equals("ACTIVE"));
    String base = "http://127.0.0.1:" + sys.httpPort;

    // a counter clerk: an empty request is refused at its fields and changes nothing
    signIn(base, "clerk", "clerk-demo");
    browser.get(base + "/counter");
    // a card application at the counter: the portrait from the counter's camera, the ID card scanned
    String walkIn = id("11010519900101999");
    type("application-applicantName", "水岱");
    type("application-idNumber", walkIn);
    choose("application-sex", 0);
    type("application-phone", "13800000002");
    js("arguments[0].value = '1';", waitFor(By.id("application-issuingBank"))); // the first bank (Flow's item key)
    click("application-camera-button");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(js(
        "const v = document.querySelector('#application-camera video'); return v && v.videoWidth > 0;")));
    click("application-camera-button");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(js(
        "const u = document.getElementById('application-portraitPhoto'); return u.files.length === 1 && u.files[0].complete === true;")));
    scan("application-idCardPhoto", 700, 450);
    shot("counter-application");
    click("application-submit");
    String walkInCase = waitFor(By.id("application-result")).getText().replaceAll("(?s)^\\D*(SC\\d+).*", "$1");
    assertThat(sys.value("select uploaded_by from case_document where case_number = ? and kind = 'PORTRAIT_PHOTO'", walkInCase))
        .as("the signed-in clerk took the portrait").isEqualTo("clerk");
    js("document.querySelectorAll('#counter-tabs vaadin-tab')[1].click();");
    click("reissue-accept");
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> d.findElement(By.id("reissue-holderIdNumber")).getAttribute("invalid") != null);
    // the holder in person needs no copy of the ID card (guide 004; issue 25): the replacement form is what is missing
    assertThat(browser.findElement(By.id("reissue-error")).getText()).contains("补卡申请表扫描件", "请扫描后在此添加文件")
        .doesNotContain("持卡人身份证复印件扫描件");
    assertThat(browser.findElement(By.id("reissue-centre-rules")).getText()).contains("本中心规定", "从未激活");
    shot("counter-errors");
    type("reissue-holderIdNumber", holder);
    type("reissue-holderName", "狄云");
    type("reissue-phone", "13800000000");
    click("reissue-holderIdOriginalChecked");
    scan("reissue-holderIdCopy", 700, 450);
    scan("reissue-replacementForm", 800, 1000);
    // the holder has made no provisional report: the formal one is refused until the counter takes both
    click("reissue-accept");
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> d.findElement(By.id("reissue-error")).getText().contains("临时挂失之后"));
    click("reissue-reportProvisionallyNow");
    click("reissue-accept");
    String certificate = waitFor(By.id("reissue-certificate")).getText().replaceAll(".*(LK\\d{15}).*", "$1");
    assertThat(waitFor(By.id("reissue-provisional")).getText()).containsPattern("SC\\d+");
    shot("counter-reissue-accepted");
    JsonNode voucher = sys.json(sys.get("/api/vouchers/" + certificate, "hospital:hospital-demo"));
    assertThat(voucher.get("valid").asBoolean()).isTrue();
    // printed from the counter screen: the PDF opened, its text read and its code scanned
    assertCertificate(pdfBehind("certificate-print"), certificate);
    String reissueCase = browser.findElement(By.id("reissue-result")).getText().replaceAll("(?s)^\\D*(SC\\d+).*", "$1");
    assertThat(saved(sys, "/api/audit/cases/" + reissueCase, SUPERVISOR)).as("the print is audited with the signed-in clerk")
        .contains("CERTIFICATE_PRINTED").contains("\"clerk\"");
    signOut(base);

    // the self-service terminal: the citizen swipes the ID card, sees the full number, prints the certificate again
    signIn(base, "terminal", "terminal-demo");
    browser.get(base + "/terminal");
    type("terminal-identify-number", holder);
    click("terminal-by-id-card");
    click("terminal-number");
    String number = waitFor(By.id("terminal-number-value")).getText();
    assertThat(number).as("in full: the terminal identified the citizen by the ID card").matches("\\d{11}");
    shot("terminal-number");
    click("terminal-back");
    click("terminal-certificate");
    assertCertificate(pdfBehind("terminal-certificate-print"), certificate);
    shot("terminal-certificate");
    click("terminal-finish");
    waitFor(By.id("terminal-identify-number"));
    assertThat(browser.getPageSource()).as("the next citizen sees nothing of this one").doesNotContain(number);
  }

  /** Issue 25, items 7 and 8 at the counter, in the browser: the photo on file shown before it is chosen; the hall lookups. */
  @Test
  @Order(2)
  void aCounterClerkShowsThePhotoOnFileBeforeItIsChosenAndReadsAnIdCardForTheChildECardsAndTheNumber() throws Exception {
    String parent = id("11010519810202999");
    String applied = created(sys.post("/api/applications", PORTAL, application("胡斐", parent, "MALE")));
    await("card ready", () -> status(sys, applied).equals("CARD_READY"));
    sys.post("/api/callbacks/card-activated", PARTNER, "{\"callbackId\":\"act-h\",\"caseNumber\":\"" + applied + "\",\"branch\":\"ICBC\"}");
    await("card active", () -> status(sys, applied).equals("ACTIVE"));
    String kid = id("11010520200303027");
    JsonNode letter = sys.json(sys.get("/api/child-cards/commitment-letter?parentIdNumber=" + parent + "&parentName="
        + ServicesIT.enc("胡斐") + "&childName=" + ServicesIT.enc("胡小斐") + "&childIdNumber=" + kid, PORTAL));
    String childCase = created(sys.post("/api/child-cards", PORTAL, """
        {"parentIdNumber":"%s","parentName":"胡斐","phone":"13800000000","childName":"胡小斐","childIdNumber":"%s",
         "householdRegisterPhoto":"%s","noticeAccepted":true,"noticeVersion":"%s","letterSha256":"%s","signedName":"胡斐"}"""
        .formatted(parent, kid, png(900, 700), letter.get("noticeVersion").asText(), letter.get("sha256").asText())));
    await("e-card issued", () -> status(sys, childCase).equals("ISSUED"));
    String number = sys.cardField(applied, "medicalInsuranceNumber");
    String base = "http://127.0.0.1:" + sys.httpPort;

    signIn(base, "clerk", "clerk-demo");
    browser.get(base + "/counter");
    // the photo on file cannot be chosen before it is shown
    String walkIn = id("11010519900303031");
    type("application-idNumber", walkIn);
    assertThat(waitFor(By.id("application-usePhotoOnFile")).getAttribute("disabled")).isNotNull();
    click("application-photo-on-file-show");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(js(
        "const i = document.getElementById('application-photo-on-file-image'); return i && i.complete && i.naturalWidth === 358;")));
    new WebDriverWait(browser, Duration.ofSeconds(20))
        .until(d -> d.findElement(By.id("application-usePhotoOnFile")).getAttribute("disabled") == null);
    assertThat(sys.count("select count(*) from audit_entry where subject = ? and action = 'PERSONAL_DATA_VIEWED' and actor = 'clerk'",
        sys.personTrail(walkIn))).isEqualTo(1);
    shot("counter-photo-on-file");

    // the hall lookups: the ID card read, the number, the child's e-card and the cases
    js("Array.from(document.querySelectorAll('#counter-tabs vaadin-tab')).pop().click();");
    type("lookup-idNumber", parent);
    click("lookup-read");
    assertThat(waitFor(By.id("lookup-number")).getText()).startsWith(number);
    String children = waitFor(By.id("lookup-children")).getText();
    assertThat(children).contains(childCase).contains("EC").contains("胡**").doesNotContain("胡小斐");
    assertThat(waitFor(By.id("lookup-cases")).getText()).contains(applied).contains(childCase);
    shot("counter-hall-lookup");
  }

  void type(String id, String value) {
    js("const e = arguments[0]; e.value = arguments[1]; e.dispatchEvent(new Event('change', {bubbles: true}));",
        waitFor(By.id(id)), value);
  }

  /** Adds a scanned page to an upload the way a file chosen from the scanner's folder arrives. */
  void scan(String uploadId, int width, int height) {
    js("const up = arguments[0]; const c = document.createElement('canvas'); c.width = arguments[1]; c.height = arguments[2];"
        + " const g = c.getContext('2d'); for (let i = 0; i < 400; i++) { g.fillStyle = 'hsl(' + (i * 37 % 360) + ',60%,'"
        + " + (30 + i % 50) + '%)'; g.fillRect((i * 53) % c.width, (i * 97) % c.height, 60, 40); }"
        + " c.toBlob(b => up._addFiles([new File([b], 'scan.png', {type: 'image/png'})]), 'image/png');",
        waitFor(By.id(uploadId)), width, height);
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(js(
        "return arguments[0].files.length === 1 && arguments[0].files[0].complete === true;", d.findElement(By.id(uploadId)))));
  }

  /** The PDF behind a link, fetched with the signed-in browser's session. */
  byte[] pdfBehind(String anchorId) {
    String href = waitFor(By.id(anchorId)).getAttribute("href");
    Object b64 = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
        + " fetch(arguments[0]).then(r => r.arrayBuffer()).then(buf => { let s = ''; const a = new Uint8Array(buf);"
        + " for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]); done(btoa(s)); });", href);
    return java.util.Base64.getDecoder().decode(String.valueOf(b64));
  }

  static void assertCertificate(byte[] pdf, String certificate) throws Exception {
    try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
      String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
      assertThat(text).contains("社会保障卡领卡凭证", "临时就医凭证", certificate, "狄*", "领卡日期", "领卡地点").doesNotContain("狄云");
      java.awt.image.BufferedImage page = new org.apache.pdfbox.rendering.PDFRenderer(doc).renderImageWithDPI(0, 150);
      String scanned = new com.google.zxing.MultiFormatReader().decode(new com.google.zxing.BinaryBitmap(
          new com.google.zxing.common.HybridBinarizer(new com.google.zxing.client.j2se.BufferedImageLuminanceSource(page)))).getText();
      assertThat(scanned).isEqualTo(certificate);
    }
  }

  /** Waits until the element shows this text; the view may draw itself anew meanwhile (a stale element is looked up again). */
  void waitForText(String id, String text) {
    new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> d.findElement(By.id(id)).getText().equals(text));
  }

  /** What the server has now (read inside a browser wait, which takes no checked exceptions). */
  static String saved(RunningSystem sys, String path, String credentials) {
    try {
      return sys.get(path, credentials).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  void signIn(String base, String user, String password) {
    browser.get(base + "/login");
    WebElement name = waitFor(By.name("username"));
    name.sendKeys(user);
    browser.findElement(By.name("password")).sendKeys(password + org.openqa.selenium.Keys.ENTER);
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> !d.getCurrentUrl().contains("/login"));
  }

  void signOut(String base) {
    browser.manage().deleteAllCookies();
    browser.get(base + "/login");
  }

  /** Clicks the n-th option of a radio group, as a person would. */
  void choose(String id, int option) {
    WebElement radio = waitFor(By.cssSelector("#" + id + " vaadin-radio-button:nth-of-type(" + (option + 1) + ")"));
    ((JavascriptExecutor) browser).executeScript("arguments[0].click();", radio);
  }

  void click(String id) {
    ((JavascriptExecutor) browser).executeScript("arguments[0].click();", waitFor(By.id(id)));
  }

  WebElement waitFor(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> {
      List<WebElement> found = d.findElements(by);
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    });
  }

  void shot(String name) throws Exception {
    Path file = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(file, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
