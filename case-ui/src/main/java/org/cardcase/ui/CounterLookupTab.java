package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import java.time.LocalDate;
import java.util.Comparator;
import org.cardcase.calendar.WorkingDayCalendar;
import org.cardcase.casefile.CaseFiles;
import org.cardcase.counter.CounterLookups;
import org.cardcase.shared.FieldErrors;
import org.cardcase.verification.PhotosOnFile;

/**
 * The counter's hall lookups (guide 003: the child's e-card "can be checked in the processing hall";
 * guide 004: the medical insurance number): the citizen presents the ID card, the clerk reads it and
 * sees the child e-cards of the citizen's children, the citizen's medical insurance number and their
 * cases, without a case number. Each look is audited under the clerk's name; the service refuses
 * anyone but the counter's clerks and supervisors.
 */
class CounterLookupTab extends VerticalLayout {
  private final CounterHall hall;
  private final TextField idNumber = new TextField();
  private final Div error = new Div();
  private final Div result = new Div();

  CounterLookupTab(CounterHall hall) {
    this.hall = hall;
    idNumber.setLabel(getTranslation("counter.lookup.idNumber"));
    idNumber.setId("lookup-idNumber");
    idNumber.setWidth("24rem");
    Button read = new Button(getTranslation("counter.lookup.read"), e -> lookUp());
    read.setId("lookup-read");
    read.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
    Button next = new Button(getTranslation("counter.next"), e -> {
      idNumber.clear();
      clear();
    });
    next.setId("lookup-next");
    error.setId("lookup-error");
    error.getStyle().set("color", "var(--lumo-error-text-color)");
    result.setId("lookup-result");
    add(new Paragraph(getTranslation("counter.lookup.help")), idNumber, read, error, result, next);
  }

  private void clear() {
    error.setText("");
    result.removeAll();
    idNumber.setInvalid(false);
  }

  private void lookUp() {
    clear();
    CounterLookups.Result r;
    try {
      r = hall.lookups.lookUp(idNumber.getValue(), hall.staff.person());
    } catch (FieldErrors e) {
      idNumber.setErrorMessage(getLocale().getLanguage().equals("zh") ? getTranslation("counter.lookup.badId")
          : e.errors().getOrDefault("idNumber", getTranslation("counter.lookup.badId")));
      idNumber.setInvalid(true);
      return;
    } catch (PhotosOnFile.NotAtCounter e) {
      error.setText(getTranslation("counter.lookup.notAtCounter"));
      return;
    }
    result.add(line("lookup-citizen", getTranslation("counter.lookup.citizen", r.holderName() == null ? "—" : r.holderName(),
        r.idNumber())));
    Span number = new Span(r.medicalInsuranceNumber() == null ? getTranslation("counter.lookup.number.none")
        : r.medicalInsuranceNumber() + " (" + getTranslation("card.state." + r.cardState()) + ")");
    number.setId("lookup-number");
    number.getStyle().set("font-weight", "bold");
    result.add(new H3(getTranslation("counter.lookup.number")), number);

    VerticalLayout children = list("lookup-children");
    if (r.childECards().isEmpty()) {
      children.add(new Span(getTranslation("counter.lookup.children.none")));
    }
    for (CounterLookups.ChildECard c : r.childECards()) {
      children.add(new Span(getTranslation("counter.lookup.child", c.childName(), c.childIdNumber(),
          c.eCard() == null ? getTranslation("counter.lookup.child.pending") : c.eCard(), getTranslation("case.status." + c.status()),
          day(c.requestedOn()), c.caseNumber())));
    }
    result.add(new H3(getTranslation("counter.lookup.children")), children);

    VerticalLayout cases = list("lookup-cases");
    if (r.cases().isEmpty()) {
      cases.add(new Span(getTranslation("counter.lookup.cases.none")));
    }
    for (CaseFiles.CaseFile f : r.cases()) {
      var c = f.record();
      String next = f.deadlines().stream().filter(CaseFiles.DueDate::running)
          .min(Comparator.comparing(w -> w.deadline().dueAt()))
          .map(w -> getTranslation("counter.lookup.case.next", getTranslation("deadline." + w.deadline().name()),
              day(LocalDate.ofInstant(w.deadline().dueAt(), WorkingDayCalendar.ZONE)),
              w.deadline().provisional() ? getTranslation("counter.lookup.provisional") : ""))
          .orElse("");
      cases.add(new Span(getTranslation("counter.lookup.case", c.caseNumber(), getTranslation("case.type." + c.caseType()),
          getTranslation("case.status." + c.status()), getTranslation("step." + c.currentStep()),
          day(LocalDate.ofInstant(c.createdAt(), WorkingDayCalendar.ZONE))) + next));
    }
    result.add(new H3(getTranslation("counter.lookup.cases")), cases);
  }

  private static VerticalLayout list(String id) {
    VerticalLayout l = new VerticalLayout();
    l.setId(id);
    l.setPadding(false);
    l.setSpacing(false);
    return l;
  }

  private String day(LocalDate d) {
    return TerminalView.day(d, getLocale());
  }

  private static Component line(String id, String text) {
    Div d = new Div(new Span(text));
    d.setId(id);
    return d;
  }
}
