package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.component.upload.UploadI18N;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import jakarta.annotation.security.RolesAllowed;
import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardcase.cards.CardNotFound;
import org.cardcase.cases.CaseConflict;
import org.cardcase.cases.CaseNotFound;
import org.cardcase.documents.DecodeBudget;
import org.cardcase.family.FamilyRules;
import org.cardcase.loss.LossReports;
import org.cardcase.reissue.VoucherPrints;
import org.cardcase.reissue.Reissues;
import org.cardcase.reissue.Vouchers;
import org.cardcase.shared.Channels;
import org.cardcase.shared.FieldErrors;
import org.cardcase.shared.Masking;
import org.cardcase.shared.ReferenceData;
import org.cardcase.family.FamilyBindings;
import org.cardcase.application.CardApplication;
import org.cardcase.application.CardApplications;

/**
 * The counter half of the guides for clerks of the {@code counter} group: the formal loss report
 * and reissue (with the provisional report in the same visit), the printed pickup certificate, the
 * hand-over of the new card from its pickup date, a provisional report in writing and the voucher
 * check. The signed-in clerk is the one recorded; the services validate as for the channel API and
 * their errors are shown at the field.
 */
@Route(value = "counter", layout = MainLayout.class)
@PageTitle("CardCase")
@RolesAllowed({"CLERK", "SUPERVISOR"})
public class CounterView extends VerticalLayout implements BeforeEnterObserver {
  public static final String GROUP = "counter";
  static final int MAX_BYTES = 5 * 1024 * 1024;

  private final Reissues reissues;
  private final LossReports lossReports;
  private final Vouchers vouchers;
  private final VoucherPrints voucherPrints;
  private final Staff staff;
  private final FamilyBindings families;
  private final ReferenceData reference;
  private final CardApplications applications;
  private final CounterHall hall;

  public CounterView(Reissues reissues, LossReports lossReports, Vouchers vouchers, VoucherPrints voucherPrints, Staff staff,
      FamilyBindings families, ReferenceData reference, CardApplications applications, CounterHall hall) {
    this.hall = hall;
    this.applications = applications;
    this.families = families;
    this.reference = reference;
    this.reissues = reissues;
    this.lossReports = lossReports;
    this.vouchers = vouchers;
    this.voucherPrints = voucherPrints;
    this.staff = staff;
    setWidthFull();
    TabSheet tabs = new TabSheet();
    tabs.setId("counter-tabs");
    tabs.setWidthFull();
    tabs.add(getTranslation("counter.tab.application"), application());
    tabs.add(getTranslation("counter.tab.reissue"), reissue());
    tabs.add(getTranslation("counter.tab.collection"), pickup());
    tabs.add(getTranslation("counter.tab.loss"), provisional());
    tabs.add(getTranslation("counter.tab.voucher"), voucherCheck());
    tabs.add(getTranslation("counter.tab.family"), familyBinding());
    tabs.add(getTranslation("counter.tab.lookup"), new CounterLookupTab(hall));
    add(new H2(getTranslation("counter.title")), tabs);
  }

  /** Counter work is for the counter group: the menu hides it from others and the server refuses it. */
  @Override
  public void beforeEnter(BeforeEnterEvent event) {
    if (!staff.groups().contains(GROUP)) {
      event.rerouteToError(NotFoundException.class, getTranslation("counter.notInGroup"));
    }
  }

  private String clerk() {
    return staff.person().name();
  }

  // ---- card application at the counter ----

  private Component application() {
    Fields f = new Fields("application");
    TextField name = f.text("applicantName", "counter.application.name");
    TextField idNumber = f.text("idNumber", "counter.application.idNumber");
    RadioButtonGroup<String> sex = f.radio("sex", "counter.application.sex", "MALE", "FEMALE");
    TextField phone = f.text("phone", "counter.phone");
    Select<ReferenceData.Item> bank = f.select("issuingBank", "counter.application.bank", reference.items(ReferenceData.Kind.BANK));
    Upload portrait = f.upload("portraitPhoto", "counter.application.portrait");
    CounterCamera camera = new CounterCamera("application-camera", "application-portraitPhoto",
        getTranslation("counter.camera.start"), getTranslation("counter.camera.take"), getTranslation("counter.camera.none"),
        getTranslation("counter.camera.taken"));
    Checkbox onFile = f.check("usePhotoOnFile", "counter.application.photoOnFile");
    PhotoOnFilePreview photoOnFile = new PhotoOnFilePreview(hall, idNumber, onFile); // shown before it can be chosen
    onFile.addValueChangeListener(e -> {
      portrait.setVisible(!e.getValue());
      camera.setVisible(!e.getValue());
    });
    Upload idCard = f.upload("idCardPhoto", "counter.application.idCard");
    Button submit = new Button(getTranslation("counter.application.submit"));
    submit.setId("application-submit");
    submit.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    submit.addClickListener(e -> f.run(() -> {
      String cn = applications.submit(new CardApplication(name.getValue(), idNumber.getValue().strip().toUpperCase(),
          sex.getValue(), phone.getValue().strip(), bank.getValue() == null ? null : bank.getValue().code(), Channels.COUNTER,
          onFile.getValue() ? null : f.file("portraitPhoto"), f.file("idCardPhoto"), onFile.getValue()), Channels.COUNTER, clerk());
      f.result.add(badge(getTranslation("counter.application.done", cn), "success"), next(f));
    }));
    FormLayout layout = new FormLayout(name, idNumber, sex, phone, bank, photoOnFile, onFile, portrait, camera, idCard);
    layout.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("700px", 2));
    return new VerticalLayout(new Paragraph(getTranslation("counter.application.help")), layout, submit, f.general, f.result);
  }

  // ---- formal loss report and reissue ----

  private Component reissue() {
    Fields f = new Fields("reissue");
    TextField holderId = f.text("holderIdNumber", "counter.holderIdNumber");
    TextField holderName = f.text("holderName", "counter.holderName");
    TextField phone = f.text("phone", "counter.phone");
    TextField cardNumber = f.text("cardNumber", "counter.cardNumber");
    RadioButtonGroup<String> applicant = f.radio("applicant", "counter.applicant", "HOLDER", "DELEGATE");
    applicant.setValue("HOLDER");
    TextField delegateName = f.text("delegateName", "counter.delegateName");
    TextField delegateId = f.text("delegateIdNumber", "counter.delegateIdNumber");
    Checkbox holderOriginal = f.check("holderIdOriginalChecked", "counter.holderIdOriginalChecked");
    Checkbox delegateOriginal = f.check("delegateIdOriginalChecked", "counter.delegateIdOriginalChecked");
    Upload holderCopy = f.upload("holderIdCopy", "counter.holderIdCopy");
    Upload delegateCopy = f.upload("delegateIdCopy", "counter.delegateIdCopy");
    Upload form = f.upload("replacementForm", "counter.replacementForm");
    Checkbox provisionalNow = f.check("reportProvisionallyNow", "counter.reportProvisionallyNow");
    // guide 004: a delegate only in special circumstances, which the record and the audit trail keep
    Select<String> circumstance = f.choice("delegateCircumstance", "counter.delegateCircumstance",
        Arrays.stream(Reissues.DelegateCircumstance.values()).map(Enum::name).toList());
    TextField circumstanceNote = f.text("delegateCircumstanceNote", "counter.delegateCircumstanceNote");
    // the replacement is made with the last card's photo (or the registry's); a new one if the citizen wants it
    Checkbox newPhoto = f.check("newPhoto", "counter.reissue.newPhoto");
    Upload portrait = f.upload("portraitPhoto", "counter.reissue.portrait");
    CounterCamera camera = new CounterCamera("reissue-camera", "reissue-portraitPhoto", getTranslation("counter.camera.start"),
        getTranslation("counter.camera.take"), getTranslation("counter.camera.none"), getTranslation("counter.camera.taken"));
    portrait.setVisible(false);
    camera.setVisible(false);
    newPhoto.addValueChangeListener(e -> {
      portrait.setVisible(e.getValue());
      camera.setVisible(e.getValue());
    });
    Component[] delegateOnly = {delegateName, delegateId, delegateOriginal, delegateCopy, circumstance, circumstanceNote};
    applicant.addValueChangeListener(e -> {
      for (Component c : delegateOnly) {
        c.setVisible("DELEGATE".equals(e.getValue()));
      }
    });
    for (Component c : delegateOnly) {
      c.setVisible(false);
    }
    Button accept = new Button(getTranslation("counter.reissue.accept"));
    accept.setId("reissue-accept");
    accept.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    accept.addClickListener(e -> f.run(() -> {
      boolean delegate = "DELEGATE".equals(applicant.getValue());
      Reissues.Accepted a = reissues.accept(new Reissues.Request(holderId.getValue().strip().toUpperCase(), holderName.getValue(),
          phone.getValue().strip(), blankToNull(cardNumber.getValue()), applicant.getValue(),
          delegate ? delegateName.getValue() : null, delegate ? delegateId.getValue().strip().toUpperCase() : null,
          holderOriginal.getValue(), delegate ? delegateOriginal.getValue() : null, f.file("holderIdCopy"),
          delegate ? f.file("delegateIdCopy") : null, f.file("replacementForm"), clerk(), provisionalNow.getValue(),
          delegate ? circumstance.getValue() : null, delegate ? circumstanceNote.getValue() : null,
          newPhoto.getValue() ? f.file("portraitPhoto") : null), Channels.COUNTER);
      LocalDate pickupDate = LocalDate.parse(a.pickupDate());
      f.result.add(new H3(getTranslation("counter.reissue.accepted", a.caseNumber())),
          line("reissue-certificate", getTranslation("counter.voucherNumber"), a.certificateNumber()),
          line("reissue-pickup-date", getTranslation("counter.collectionDate"),
              getTranslation("counter.collectionDate.value", day(pickupDate), a.pickupWorkingDays())
                  + (a.pickupDateProvisional() ? " · " + getTranslation("counter.collectionDate.provisional", String.valueOf(pickupDate.getYear())) : "")),
          line("reissue-portrait-source", getTranslation("counter.reissue.portraitSource"),
              getTranslation("counter.reissue.portraitSource." + a.portraitSource())),
          line("reissue-provisional", getTranslation("counter.provisionalReport"),
              a.provisionalReport() == null ? "—" : a.provisionalReport()),
          print(a.certificateNumber()), next(f));
    }));
    FormLayout layout = new FormLayout(holderId, holderName, phone, cardNumber, applicant, delegateName, delegateId, holderOriginal,
        delegateOriginal, circumstance, circumstanceNote, holderCopy, delegateCopy, form, provisionalNow, newPhoto, portrait, camera);
    layout.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1), new FormLayout.ResponsiveStep("700px", 2));
    // the rules that are the centre's own, not the guides', said where they apply
    Paragraph centreRules = new Paragraph(getTranslation("counter.reissue.centreRules"));
    centreRules.setId("reissue-centre-rules");
    centreRules.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
    return new VerticalLayout(new Paragraph(getTranslation("counter.reissue.help")), centreRules, layout, accept, f.general,
        f.result);
  }

  /** Clears the screen for the next citizen at the counter. */
  private Button next(Fields f) {
    Button b = new Button(getTranslation("counter.next"), e -> f.reset());
    b.setId(f.prefix + "-next");
    return b;
  }

  private Anchor print(String certificate) {
    // each click prints anew: a fresh PDF (its state now) and an audit entry for the clerk
    StreamResource pdf = new StreamResource(certificate + ".pdf",
        () -> new ByteArrayInputStream(voucherPrints.print(certificate, clerk(), Channels.COUNTER)));
    pdf.setContentType("application/pdf");
    Anchor a = new Anchor(pdf, getTranslation("counter.print"));
    a.setId("certificate-print");
    a.setTarget("_blank");
    a.getElement().getThemeList().add("badge primary");
    return a;
  }

  // ---- hand-over of the new card ----

  private Component pickup() {
    Fields f = new Fields("pickup");
    TextField caseNumber = f.text("caseNumber", "counter.caseNumber");
    TextField certificate = f.text("certificateNumber", "counter.voucherNumber");
    // guide 004: the person who made the reissue collects, the holder or the delegate, with their own ID card
    TextField idNumber = f.text("idNumber", "counter.collection.idNumber");
    Checkbox checked = f.check("idCardChecked", "counter.collection.idCardChecked");
    Button hand = new Button(getTranslation("counter.collection.handOver"));
    hand.setId("pickup-hand-over");
    hand.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    hand.addClickListener(e -> f.run(() -> {
      String cn = caseNumber.getValue().strip().toUpperCase();
      if (cn.isEmpty()) {
        throw FieldErrors.of("caseNumber", getTranslation("form.required"));
      }
      reissues.pickUp(cn, new Reissues.Pickup(certificate.getValue().strip().toUpperCase(), idNumber.getValue(), checked.getValue(),
          clerk()), Channels.COUNTER);
      f.result.add(badge(getTranslation("counter.collection.done", cn), "success"), next(f));
    }));
    FormLayout layout = new FormLayout(caseNumber, certificate, idNumber, checked);
    return new VerticalLayout(new Paragraph(getTranslation("counter.collection.whoCollects")), layout, hand, f.general, f.result);
  }

  // ---- provisional loss report in writing ----

  private Component provisional() {
    Fields f = new Fields("loss");
    TextField idNumber = f.text("idNumber", "counter.holderIdNumber");
    TextField holderName = f.text("holderName", "counter.holderName");
    TextField phone = f.text("phone", "counter.phone");
    TextField cardNumber = f.text("cardNumber", "counter.cardNumber");
    Button report = new Button(getTranslation("counter.loss.report"));
    report.setId("loss-report");
    report.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
    report.addClickListener(e -> f.run(() -> {
      LossReports.Reported r = lossReports.report(new LossReports.Report(idNumber.getValue().strip().toUpperCase(),
          blankToNull(cardNumber.getValue()), holderName.getValue(), phone.getValue().strip()), Channels.COUNTER, clerk());
      f.result.add(badge(getTranslation("counter.loss.done", r.reportNumber()), "success"),
          new Paragraph(getTranslation(r.settlementStopped() ? "counter.loss.stopped" : "counter.loss.stopPending")), next(f));
    }));
    FormLayout layout = new FormLayout(idNumber, holderName, phone, cardNumber);
    return new VerticalLayout(new Paragraph(getTranslation("counter.loss.help")), layout, report, f.general, f.result);
  }

  // ---- voucher check ----

  private Component voucherCheck() {
    Fields f = new Fields("voucher");
    TextField number = f.text("number", "counter.voucherNumber");
    Button check = new Button(getTranslation("counter.voucher.check"));
    check.setId("voucher-check");
    check.addClickListener(e -> f.run(() -> {
      String n = number.getValue().strip().toUpperCase();
      if (!Vouchers.wellFormed(n)) {
        throw FieldErrors.of("number", getTranslation("counter.voucher.malformed"));
      }
      Vouchers.Voucher v = vouchers.find(n).orElseThrow(() -> new CaseNotFound("certificate " + n));
      boolean valid = v.state() == Vouchers.State.VALID;
      f.result.add(badge(getTranslation("counter.voucher.state." + v.state()), valid ? "success" : "error"),
          line("voucher-holder", getTranslation("counter.holderName"), Masking.name(v.holderName()) + " · "
              + Masking.idNumber(v.holderIdNumber())),
          line("voucher-pickup", getTranslation("counter.collectionDate"), day(v.pickupDate())
              + (v.pickupProvisional() ? " · " + getTranslation("counter.collectionDate.provisional", String.valueOf(v.pickupDate().getYear())) : "")));
      if (v.endReason() != null) {
        f.result.add(line("voucher-reason", getTranslation("counter.voucher.reason"), v.endReason()));
      }
    }));
    return new VerticalLayout(new Paragraph(getTranslation("counter.voucher.help")), number, check, f.general, f.result);
  }

  // ---- family binding with the swiped card ----

  /**
   * Guide 000 §2: the holder's card is swiped, the member's social security card number keyed in,
   * the relationship chosen; the cards identify both, so nothing more is asked (a phone the citizen
   * offers is optional). The centre's own rules, if it set any, are said on screen as its own.
   */
  private Component familyBinding() {
    Fields f = new Fields("family");
    TextField card = f.text("holderCardNumber", "counter.family.holderCardNumber");
    TextField memberCard = f.text("memberCardNumber", "counter.family.memberCardNumber");
    Select<ReferenceData.Item> relationship = f.select("relationship", "counter.family.relationship",
        families.bindableRelationships());
    TextField phone = f.text("phone", "counter.family.phoneOffered");
    Button bind = new Button(getTranslation("counter.family.bind"));
    bind.setId("family-bind");
    bind.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    bind.addClickListener(e -> f.run(() -> {
      String cn = families.request(FamilyBindings.Request.swiped(card.getValue(), memberCard.getValue(),
          relationship.getValue() == null ? null : relationship.getValue().code()).withPhone(phone.getValue()), Channels.COUNTER);
      f.result.add(badge(getTranslation("counter.family.done", cn), "success"), next(f));
    }));
    FormLayout layout = new FormLayout(card, memberCard, relationship, phone);
    Paragraph rules = new Paragraph(getTranslation("counter.family.centreRules", centreRules()));
    rules.setId("family-centre-rules");
    return new VerticalLayout(new Paragraph(getTranslation("counter.family.help")), rules, layout, bind, f.general, f.result);
  }

  /** The family rules this centre set beyond the guides, in the reader's language. */
  private String centreRules() {
    FamilyRules r = families.rules();
    List<String> said = new ArrayList<>();
    if (r.limitsMembers()) {
      said.add(getTranslation("counter.family.centreRule.maxMembers", r.getMaxMembers()));
    }
    if (!r.getRelationships().isEmpty()) {
      said.add(getTranslation("counter.family.centreRule.relationships", String.join("、",
          families.bindableRelationships().stream().map(i -> i.name(getLocale())).toList())));
    }
    return said.isEmpty() ? getTranslation("counter.family.centreRule.none") : String.join("; ", said);
  }

  // ---- helpers ----

  private String day(LocalDate d) {
    return TerminalView.day(d, getLocale());
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip().toUpperCase();
  }

  private static Component line(String id, String label, String value) {
    Div d = new Div(new Span(label + ": "), new Span(value));
    d.setId(id);
    return d;
  }

  private static Span badge(String text, String theme) {
    Span s = new Span(text);
    s.getElement().getThemeList().add("badge " + theme);
    return s;
  }

  /** The inputs of one screen by the service's field names, so a refusal is shown at its field. */
  private final class Fields {
    final String prefix;
    final Map<String, Component> fields = new LinkedHashMap<>();
    final Map<String, byte[]> files = new HashMap<>();
    final Map<String, String> labels = new HashMap<>();
    final Div general = new Div();
    /** What the last action did; cleared when the next one starts, so nothing stale stays on screen. */
    final Div result = new Div();

    Fields(String prefix) {
      this.prefix = prefix;
      general.setId(prefix + "-error");
      result.setId(prefix + "-result");
      general.getStyle().set("color", "var(--lumo-error-text-color)").set("white-space", "pre-line");
    }

    TextField text(String name, String label) {
      labels.put(name, getTranslation(label));
      TextField t = new TextField(getTranslation(label));
      t.setId(prefix + "-" + name);
      t.setWidthFull();
      fields.put(name, t);
      return t;
    }

    /** A choice whose options are worded by {@code label + "." + option}. */
    RadioButtonGroup<String> radio(String name, String label, String... options) {
      labels.put(name, getTranslation(label));
      RadioButtonGroup<String> r = new RadioButtonGroup<>(getTranslation(label));
      r.setId(prefix + "-" + name);
      r.setItems(options);
      r.setItemLabelGenerator(o -> getTranslation(label + "." + o));
      fields.put(name, r);
      return r;
    }

    /** A choice of reference data, named in the reader's language. */
    Select<ReferenceData.Item> select(String name, String label, List<ReferenceData.Item> items) {
      labels.put(name, getTranslation(label));
      Select<ReferenceData.Item> sel = new Select<>();
      sel.setLabel(getTranslation(label));
      sel.setId(prefix + "-" + name);
      sel.setItems(items);
      sel.setItemLabelGenerator(i -> i.name(getLocale()));
      fields.put(name, sel);
      return sel;
    }

    /** A choice of codes worded by {@code label + "." + code}. */
    Select<String> choice(String name, String label, List<String> codes) {
      labels.put(name, getTranslation(label));
      Select<String> sel = new Select<>();
      sel.setLabel(getTranslation(label));
      sel.setId(prefix + "-" + name);
      sel.setItems(codes);
      sel.setItemLabelGenerator(c -> getTranslation(label + "." + c));
      fields.put(name, sel);
      return sel;
    }

    Checkbox check(String name, String label) {
      labels.put(name, getTranslation(label));
      Checkbox c = new Checkbox(getTranslation(label));
      c.setId(prefix + "-" + name);
      fields.put(name, c);
      return c;
    }

    Upload upload(String name, String label) {
      labels.put(name, getTranslation(label));
      BoundedUploadBuffer buffer = new BoundedUploadBuffer(MAX_BYTES);
      Upload u = new Upload(buffer);
      u.setId(prefix + "-" + name);
      u.setAcceptedFileTypes("image/png", "image/jpeg", ".png", ".jpg", ".jpeg");
      u.setMaxFileSize(MAX_BYTES); // in the browser; the buffer refuses more on the server too
      u.setMaxFiles(1);
      UploadI18N i18n = new UploadI18N();
      i18n.setAddFiles(new UploadI18N.AddFiles().setOne(getTranslation(label)));
      i18n.setDropFiles(new UploadI18N.DropFiles().setOne(getTranslation("counter.dropScan")));
      i18n.setError(new UploadI18N.Error()
          .setFileIsTooBig(getTranslation("counter.fileTooBig", MAX_BYTES / (1024 * 1024))));
      u.setI18n(i18n);
      u.addSucceededListener(e -> {
        byte[] b = buffer.bytes();
        if (b == null) {
          files.remove(name);
        } else {
          files.put(name, b);
        }
      });
      u.addFailedListener(e -> files.remove(name));
      u.addFileRemovedListener(e -> files.remove(name));
      fields.put(name, u);
      return u;
    }

    /** A scan as the service takes it (base64), or null when none was uploaded: the service says it is required. */
    String file(String name) {
      byte[] b = files.get(name);
      return b == null ? null : Base64.getEncoder().encodeToString(b);
    }

    void run(Runnable action) {
      clear();
      try {
        action.run();
      } catch (FieldErrors e) {
        StringBuilder rest = new StringBuilder();
        e.errors().forEach((field, said) -> {
          String message = said;
          Component c = fields.get(field);
          // a scan the clerk did not add: say so in the clerk's words, not the API's (base64)
          if (c instanceof Upload && message.contains("required")) {
            message = getTranslation("counter.scanRequired");
          } else if (getLocale().getLanguage().equals("zh")) {
            // the services explain in English; a Chinese screen says the field's rule in Chinese
            String zh = getTranslation("counter.error." + prefix + "." + field);
            if (zh.startsWith("!")) {
              zh = getTranslation("counter.error." + field);
            }
            if (!zh.startsWith("!")) {
              message = zh;
            }
          }
          if (c instanceof HasValidation v) {
            v.setErrorMessage(message);
            v.setInvalid(true);
          } else {
            rest.append(labels.getOrDefault(field, field)).append(": ").append(message).append('\n');
          }
        });
        general.setText(rest.toString().strip());
      } catch (CaseConflict e) {
        // the rule in the reader's language, with its values (a date in the reader's format)
        general.setText(e.rule() == null ? e.getMessage() : getTranslation("conflict." + e.rule(), e.values().stream()
            .map(x -> x instanceof LocalDate d ? day(d) : String.valueOf(x)).toArray()));
      } catch (CaseNotFound | CardNotFound e) {
        general.setText(e.getMessage());
      } catch (DecodeBudget.Busy e) {
        // too many large photos in flight: nothing was saved, the clerk submits again shortly
        general.setText(getTranslation("counter.imagesBusy", Math.max(1, e.retryAfter().toSeconds())));
      }
    }

    void reset() {
      clear();
      files.clear();
      fields.values().forEach(c -> {
        if (c instanceof TextField t) {
          t.clear();
        } else if (c instanceof Checkbox b) {
          b.clear();
        } else if (c instanceof Upload u) {
          u.clearFileList();
        } else if (c instanceof Select<?> sel) {
          sel.clear();
        }
      });
    }

    void clear() {
      general.setText("");
      result.removeAll();
      fields.values().forEach(c -> {
        if (c instanceof HasValidation v) {
          v.setInvalid(false);
        }
      });
    }
  }
}
