package org.cardcase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cardcase.Scenarios.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.cardcase.browser.AdminPage;
import org.cardcase.browser.CalendarPage;
import org.cardcase.browser.CasePage;
import org.cardcase.browser.CasesPage;
import org.cardcase.browser.CounterPage;
import org.cardcase.browser.DashboardPage;
import org.cardcase.browser.DraftPage;
import org.cardcase.browser.ModelsPage;
import org.cardcase.browser.NotAllowedPage;
import org.cardcase.browser.SignInPage;
import org.cardcase.browser.SupervisionPage;
import org.cardcase.browser.TaskPage;
import org.cardcase.browser.TasksPage;
import org.cardcase.browser.TerminalPage;
import org.cardcase.browser.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The workspace in real headless Chromium against the packaged application, one test per journey,
 * each told through the page objects of the screens it visits ({@code org.cardcase.browser}).
 * Screenshots of the main screens are saved under target/screenshots.
 *
 * <p>The journeys share one running system and run in order: the real-name review's case is made
 * once and read by the later journeys, the English walk reads the task the form journey made, the
 * administrator disables the card-centre clerk only after that clerk's refusals were shown, and the
 * modeler journeys, which deploy new versions, come after the counter's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkspaceBrowserIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final String RELABELLED = "两张照片是否均为申请人本人";
  WebDriver browser;
  Path profile;

  /** One system for the class, the bank quick. */
  static RunningSystem sys;
  static String base;
  /** The real-name review the clerks' journeys share: its case and its photo comparison task. */
  static Review review;
  /** The photo comparison made after the form's label was changed (read by the English walk). */
  static long relabelledTask;

  record Review(String caseNumber, long taskId) {}

  @BeforeAll
  static void start() throws Exception {
    sys = new RunningSystem("workspace").with("--cardcase.simulators.bank.produce-after=1s").start();
    base = "http://127.0.0.1:" + sys.httpPort;
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
  }

  @AfterEach
  void close() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  @Order(1)
  void aCounterClerkTakesAFormalReportAndReissueAndPrintsTheCertificateAndATerminalPrintsItAgain() throws Exception {
    String holder = id("11010519800101999");
    String applied = created(sys.post("/api/applications", PORTAL, application("狄云", holder, "MALE")));
    await("card ready", () -> status(sys, applied).equals("CARD_READY"));
    sys.post("/api/callbacks/card-activated", PARTNER, "{\"callbackId\":\"act-c\",\"caseNumber\":\"" + applied + "\",\"branch\":\"ICBC\"}");
    await("card active", () -> status(sys, applied).equals("ACTIVE"));

    // a card application at the counter: the portrait from the counter's camera, the ID card scanned
    Workspace clerk = signIn("clerk", "clerk-demo");
    CounterPage counter = clerk.counter()
        .fillApplication("水岱", id("11010519900101999"), 0, "13800000002")
        .takePortrait()
        .scanIdCard();
    counter.shot("counter-application");
    String walkInCase = counter.submitApplication();
    assertThat(sys.value("select uploaded_by from case_document where case_number = ? and kind = 'PORTRAIT_PHOTO'", walkInCase))
        .as("the signed-in clerk took the portrait").isEqualTo("clerk");

    // an empty request is refused at its fields and changes nothing
    counter.openReissue().acceptExpectingMissingFields();
    // the holder in person needs no copy of the ID card: the reissue form is what is missing
    assertThat(counter.reissueError()).contains("补卡申请表扫描件", "请扫描后在此添加文件").doesNotContain("持卡人身份证复印件扫描件");
    assertThat(counter.centreRules()).contains("本中心规定", "从未激活");
    counter.shot("counter-errors");
    // the holder has made no provisional report: the formal one is refused until the counter takes both
    String certificate = counter.fillReissue(holder, "狄云", "13800000000")
        .acceptExpectingError("临时挂失之后")
        .reportProvisionallyNow()
        .accept();
    assertThat(counter.provisionalReport()).containsPattern("SC\\d+");
    counter.shot("counter-reissue-accepted");
    JsonNode voucher = sys.json(sys.get("/api/vouchers/" + certificate, "hospital:hospital-demo"));
    assertThat(voucher.get("valid").asBoolean()).isTrue();
    // printed from the counter screen: the PDF opened, its text read and its code scanned
    assertCertificate(counter.printedVoucher(), certificate);
    assertThat(saved(sys, "/api/audit/cases/" + counter.reissueCase(), SUPERVISOR)).as("the print is audited with the signed-in clerk")
        .contains("CERTIFICATE_PRINTED").contains("\"clerk\"");
    clerk.signOut();

    // the self-service terminal: the citizen swipes the ID card, sees the full number, prints the certificate again
    TerminalPage terminal = signIn("terminal", "terminal-demo").terminal().swipeIdCard(holder);
    String number = terminal.number();
    assertThat(number).as("in full: the terminal identified the citizen by the ID card").matches("\\d{11}");
    terminal.shot("terminal-number");
    byte[] reprinted = terminal.back().printVoucher();
    assertCertificate(reprinted, certificate);
    terminal.shot("terminal-certificate");
    assertThat(terminal.finish().html()).as("the next citizen sees nothing of this one").doesNotContain(number);
  }

  /** At the counter: the photo on file shown before it is chosen; the hall lookups. */
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

    // the photo on file cannot be chosen before it is shown
    String walkIn = id("11010519900303031");
    CounterPage counter = signIn("clerk", "clerk-demo").counter().typeApplicantIdNumber(walkIn);
    assertThat(counter.photoOnFileChoosable()).isFalse();
    counter.showPhotoOnFile();
    assertThat(sys.count("select count(*) from audit_entry where subject = ? and action = 'PERSONAL_DATA_VIEWED' and actor = 'clerk'",
        sys.personTrail(walkIn))).isEqualTo(1);
    counter.shot("counter-photo-on-file");

    // the hall lookups: the ID card read, the number, the child's e-card and the cases
    counter.readIdCard(parent);
    assertThat(counter.lookedUpNumber()).startsWith(number);
    assertThat(counter.lookedUpChildren()).contains(childCase).contains("EC").contains("胡**").doesNotContain("胡小斐");
    assertThat(counter.lookedUpCases()).contains(applied).contains(childCase);
    counter.shot("counter-hall-lookup");
  }

  /** A clerk of the card centre: not the verification group's task, nor its case file (work groups separate case files too). */
  @Test
  @Order(3)
  void aClerkOfAnotherGroupCannotOpenTheTaskOrTheCaseFile() throws Exception {
    Review r = review();
    Workspace clerk2 = signIn("clerk2", "clerk2-demo");
    TaskPage task = clerk2.task(r.taskId()).waitForForbidden();
    assertThat(task.offersCompletion()).isFalse();
    assertThat(task.html()).doesNotContain("萧峰");
    CasePage caseFile = clerk2.caseFile(r.caseNumber());
    assertThat(caseFile.notYours()).contains(r.caseNumber());
    assertThat(caseFile.html()).doesNotContain("萧峰").doesNotContain("萧*");
    caseFile.shot("case-not-yours");
    assertThat(sys.get("/api/cases/" + r.caseNumber(), "clerk2:clerk2-demo").statusCode()).as("the API keeps the same rule").isEqualTo(403);
    assertThat(sys.get("/api/cases/" + r.caseNumber() + "/documents", "clerk2:clerk2-demo").statusCode()).isEqualTo(403);
  }

  /** Clerks are refused the supervisors' screens, said in their language inside the workspace, with the way back. */
  @Test
  @Order(4)
  void aClerkIsRefusedTheSupervisionViewAndTheDashboard() throws Exception {
    Workspace clerk2 = signIn("clerk2", "clerk2-demo");
    SupervisionPage supervision = clerk2.supervision();
    // the refusal shown first: only then does the missing view prove anything
    NotAllowedPage refused = supervision.refusal();
    assertThat(supervision.showsSteps()).as("supervisor view refused").isFalse();
    assertThat(refused.message()).contains("您无权打开此页面", "返回首页");
    assertThat(refused.insideWorkspace()).as("inside the layout").isTrue();
    refused.shot("clerk-denied-supervision");
    clerk2.signOut();

    Workspace clerk = signIn("clerk", "clerk-demo");
    DashboardPage dashboard = clerk.dashboard();
    dashboard.refusal();
    assertThat(dashboard.showsFigures()).as("dashboard refused to a clerk").isFalse();
  }

  /** The verification clerk: group queue, claim, compare the photos, complete through the form; what they did today. */
  @Test
  @Order(5)
  void aClerkClaimsAndCompletesARealNameReview() throws Exception {
    Review r = review();
    String cn = r.caseNumber();
    Workspace clerk = signIn("clerk", "clerk-demo");
    TasksPage queue = clerk.tasks().waitForClaimable(r.taskId());
    queue.shot("task-queue");
    assertThat(queue.badgeColour()).as("badges have their colours").isNotEqualTo("rgba(0, 0, 0, 0)");
    assertThat(queue.fitsWindow()).as("the queue fits a 1440 px window without scrolling sideways").isTrue();
    queue.claim(r.taskId());
    await("claimed", () -> sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK)).get(0).get("assignee").asText().equals("clerk"));
    TaskPage task = clerk.task(r.taskId()).waitForPhotoComparison();
    task.shot("task-compare-photos");
    // the photos enlarged side by side, zoomed together
    task.comparePhotos().zoomIn("125%");
    task.shot("task-photo-compare");
    task.closePhotos();
    // a refusal without a reason is shown next to the field and completes nothing
    task.decidePhotos(1).completeExpectingReasonMissing();
    assertThat(sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK))).hasSize(1);
    task.shot("task-form-error");
    // the reason typed and Ctrl+Enter pressed in the field itself: the typed reason is what is completed; the case file opens
    CasePage caseFile = task.typeReasonAndPressCtrlEnter("证件照片模糊，请重新上传");
    await("case moved on", () -> !step(sys, cn).equals("compare-photos"));
    // the bpmn-js viewer draws the deployed model with the case's step marked
    caseFile.waitForDiagramWithCurrentStep().shot("case-file");
    // what the clerk finished today, with the decision in their words
    TasksPage done = clerk.tasks().showDoneByMe(cn);
    assertThat(done.doneByMe()).contains("非同一人，不通过");
    done.shot("tasks-done-by-me");
    JsonNode audit = sys.json(sys.get("/api/audit/cases/" + cn, SUPERVISOR));
    List<String> actions = new ArrayList<>();
    audit.forEach(e -> actions.add(e.get("action").asText()));
    assertThat(actions).contains("TASK_CLAIMED", "DOCUMENT_VIEWED", "TASK_COMPLETED", "CASE_VIEWED");
    assertThat(audit.toString()).as("the reason typed before Ctrl+Enter").contains("证件照片模糊，请重新上传");
  }

  /** Search with the matched field highlighted and personal data masked; the working-day calendar. */
  @Test
  @Order(6)
  void aClerkSearchesCasesWithPersonalDataMaskedAndReadsTheCalendar() throws Exception {
    String cn = review().caseNumber();
    Workspace clerk = signIn("clerk", "clerk-demo");
    CasesPage cases = clerk.cases().search("萧峰", cn);
    assertThat(cases.html()).contains("萧*").doesNotContain("萧峰</");
    cases.shot("case-search");
    clerk.calendar().waitForYears().shot("calendar");
  }

  /** The supervisors' dashboard: a number leads to the tasks behind it, which export to CSV; the heatmap on the diagram. */
  @Test
  @Order(7)
  void aSupervisorFollowsADashboardFigureToTheTasksBehindIt() throws Exception {
    String waiting = created(sys.post("/api/applications", PORTAL, application("阿朱", id("11010519850505022"), "FEMALE")));
    await("second photo comparison task", () -> sys.json(sys.get("/api/tasks?caseNumber=" + waiting, CLERK)).size() == 1);
    long waitingTask = sys.json(sys.get("/api/tasks?caseNumber=" + waiting, CLERK)).get(0).get("id").asLong();
    Workspace supervisor = signIn("supervisor", "supervisor-demo");
    TasksPage queue = supervisor.tasks().waitForReassignable(waitingTask);
    assertThat(queue.fitsWindow()).as("the supervisor's queue, with its reassign boxes, fits 1440 px too").isTrue();
    queue.shot("task-queue-supervisor");
    DashboardPage dashboard = supervisor.dashboard();
    await("the dashboard counts the open task", () -> dashboard.reload().openTasks() >= 1);
    dashboard.waitForBacklogChart();
    assertThat(dashboard.backlogSummary()).as("the backlog chart's bar for the step, in the browser's language").contains("人工比对照片");
    dashboard.settle().shot("dashboard");
    dashboard.drillIntoOpenTasks(waiting);
    assertThat(dashboard.exportLink()).isNotBlank();
    dashboard.shot("dashboard-tasks");
    // the case waiting at the photo comparison is counted on the step that calls it
    dashboard.waitForHeatOnWaitingStep().settle().shot("dashboard-heatmap");
  }

  /**
   * The process library, and a draft in the modeler: a broken job type is marked on the canvas, the
   * collection reminder's working days are changed in the model and saved by themselves, tried on
   * recent cases; a second person approves and the next case runs on the new version.
   */
  @Test
  @Order(8)
  void anAnalystChangesAReminderDeadlineInTheModelerAndASecondPersonApprovesIt() throws Exception {
    Workspace analyst = signIn("analyst", "analyst-demo");
    ModelsPage models = analyst.models().waitForProcess("card-application");
    assertThat(models.html()).contains("社保卡申领").contains("card-application.bpmn").contains("cardcase:compare-photos");
    models.shot("models");

    String analystCredentials = "analyst:analyst-demo";
    long draftId = sys.json(sys.post("/api/models/drafts", analystCredentials, "{\"processId\":\"card-application\"}")).get("id").asLong();
    DraftPage draft = analyst.draft(draftId).waitForModeler();
    assertThat(draft.showsPropertiesPanel()).as("Camunda properties panel").isTrue();
    assertThat(draft.showsBpmnIoWatermark()).as("bpmn.io watermark").isTrue();
    // no job type at all: the Camunda 8.8 lint in the browser marks it
    draft.setJobType("notify-card-ready", "").waitForLint("notify-card-ready:camunda-compat/implementation");
    draft.shot("draft-lint");
    // a job type no worker here has: valid Camunda, but this system's rules (on the server) mark it
    draft.setJobType("notify-card-ready", "card.notify-by-fax").waitForProblemAt("notify-card-ready");
    assertThat(draft.checkVerdict()).contains("1");
    assertThat(draft.lint()).doesNotContain("notify-card-ready");
    draft.shot("draft-problem");
    draft.undoTwice().setProperty("collection-reminder-due", "cardcase:workingDays", "12");
    await("the changed deadline saved by itself, with no problem left", () -> draft.problems().isEmpty()
        && saved(sys, "/api/models/drafts/" + draftId + "/file", analystCredentials)
            .matches("(?s).*id=\"collection-reminder-due\".*?cardcase:workingDays\" value=\"12\".*"));
    draft.shot("draft-deadline");
    // tried on the recent cases before it is proposed: the reminder's working days differ for none yet
    assertThat(draft.trialRun()).contains("件路径不同");
    draft.shot("draft-trial");
    draft.propose("待审批");
    assertThat(draft.offersApproval()).as("not approved by who made it").isFalse();
    analyst.signOut();

    Workspace admin = signIn("admin", "admin-demo");
    DraftPage review = admin.draft(draftId).waitForChanges();
    assertThat(review.html()).contains("collection-reminder-due");
    review.shot("draft-review");
    review.scrollToImpact().shot("draft-impact");
    review.approve("已部署");
    assertThat(sys.json(sys.get("/api/models/drafts/" + draftId, analystCredentials)).at("/draft/deployedVersion").asInt()).isEqualTo(2);
    String next = created(sys.post("/api/applications", PORTAL, application("段誉", id("11010519830303031"), "MALE")));
    await("the next case runs on version 2",
        () -> sys.count("select count(*) from process_link where case_number = ? and model_version = 2", next) == 1);
  }

  /** A form label changed in the form editor, approved by a second person: the next task shows it. */
  @Test
  @Order(9)
  void anApprovedFormLabelIsWhatTheClerkSeesOnTheNextTask() throws Exception {
    String analystCredentials = "analyst:analyst-demo";
    Workspace analyst = signIn("analyst", "analyst-demo");
    DraftPage form = analyst.models().draftForm("compare-photos")
        .relabel("photoDecision", "Is the applicant in both photos? / " + RELABELLED);
    long formDraft = form.id();
    await("the label saved by itself", () -> saved(sys, "/api/models/drafts/" + formDraft + "/file", analystCredentials).contains(RELABELLED));
    form.shot("form-draft");
    form.propose("待审批");
    assertThat(sys.post("/api/models/drafts/" + formDraft + "/approval", "admin:admin-demo", "{}").statusCode()).isEqualTo(200);
    analyst.signOut();

    String third = created(sys.post("/api/applications", PORTAL, application("虚竹", id("11010519830303051"), "MALE")));
    await("its photo comparison", () -> sys.json(sys.get("/api/tasks?caseNumber=" + third, CLERK)).size() == 1);
    relabelledTask = sys.json(sys.get("/api/tasks?caseNumber=" + third, CLERK)).get(0).get("id").asLong();
    signIn("clerk", "clerk-demo").task(relabelledTask).waitForText(RELABELLED).shot("task-new-form");
  }

  /** The clerk's screens in English too (the ones above are in Chinese), and back. */
  @Test
  @Order(10)
  void aClerkSwitchesTheWorkspaceToEnglish() throws Exception {
    String cn = review().caseNumber();
    Assumptions.assumeTrue(relabelledTask > 0, "the form journey, which runs before, made the task");
    Workspace clerk = signIn("clerk", "clerk-demo");
    clerk.task(relabelledTask).waitForPhotos();
    clerk.useEnglish();
    TasksPage queue = clerk.tasks().waitForQueue();
    queue.shot("task-queue-en");
    queue.showDoneByMe(cn).shot("tasks-done-by-me-en");
    clerk.task(relabelledTask).waitForPhotos().shot("task-compare-photos-en");
    CasePage caseFile = clerk.caseFile(cn).waitForStep();
    assertThat(caseFile.text()).contains("for a step the case has passed");
    caseFile.shot("case-file-en");
    clerk.cases().searchListing(cn, cn).shot("case-search-en");
    clerk.useChinese();
  }

  /** The sign-in page's language switch, which becomes the person's; administration: accounts, health, search, calendar. */
  @Test
  @Order(11)
  void theSignInPageSwitchesToEnglishAndAnAdministratorDisablesAnAccount() throws Exception {
    SignInPage signInPage = SignInPage.open(browser, base).waitForLanguageSwitch();
    signInPage.shot("login-zh");
    signInPage.useEnglish().shot("login-en");
    Workspace admin = signInPage.signIn("admin", "admin-demo");
    AdminPage administration = admin.administration().waitForAccounts("clerk2");
    assertThat(admin.navigation()).contains("Administration");
    assertThat(sys.count("select count(*) from staff_user where username = 'admin' and locale = 'en'")).isEqualTo(1);
    administration.shot("admin-staff-en");
    // the card-centre clerk's refusals were shown before: now the account is disabled
    administration.toggleAccount("clerk2", "on leave until the new year");
    await("clerk2 disabled", () -> sys.count("select count(*) from staff_user where username = 'clerk2' and not enabled") == 1);
    assertThat(sys.get("/api/tasks", "clerk2:clerk2-demo").statusCode()).as("a disabled account calls nothing").isEqualTo(401);
    administration.health("PostgreSQL").shot("admin-health-en");
    administration.searchIndex().shot("admin-search-en");
    // a year typed: its days in the table, each with a date picker in the reader's format
    CalendarPage calendar = admin.calendar().waitForTable().showYear(2026);
    calendar.shot("calendar-en");
    admin.useChinese();
    calendar.showYear(2026).shot("calendar-zh");
    AdminPage administrationZh = admin.administration().waitForAccounts("已停用");
    administrationZh.shot("admin-staff-zh");
    administrationZh.health("正常").shot("admin-health-zh");
  }

  /** The real-name review the clerks' journeys share: made by the first that needs it. */
  static synchronized Review review() throws Exception {
    if (review == null) {
      String cn = created(sys.post("/api/applications", PORTAL, application("萧峰", id("11010519830303011"), "MALE")));
      // the step is recorded by the checkpoint, the task a moment later by the user task worker
      await("photo comparison task", () -> sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK)).size() == 1);
      review = new Review(cn, sys.json(sys.get("/api/tasks?caseNumber=" + cn, CLERK)).get(0).get("id").asLong());
    }
    return review;
  }

  Workspace signIn(String username, String password) {
    return SignInPage.open(browser, base).signIn(username, password);
  }

  static void assertCertificate(byte[] pdf, String certificate) throws Exception {
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      String text = new PDFTextStripper().getText(doc);
      assertThat(text).contains("社会保障卡领卡凭证", "临时就医凭证", certificate, "狄*", "领卡日期", "领卡地点").doesNotContain("狄云");
      BufferedImage page = new PDFRenderer(doc).renderImageWithDPI(0, 150);
      String scanned = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(page))))
          .getText();
      assertThat(scanned).isEqualTo(certificate);
    }
  }

  /** What the server has now (read inside a wait, which takes no checked exceptions). */
  static String saved(RunningSystem sys, String path, String credentials) {
    try {
      return sys.get(path, credentials).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
