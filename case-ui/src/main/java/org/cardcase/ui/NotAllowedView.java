package org.cardcase.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.ParentLayout;
import jakarta.annotation.security.PermitAll;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A page the signed-in person may not open, or that does not exist: said in their language inside
 * the workspace, with the way back (Vaadin's own page is bare English). The access checks
 * themselves stay on the server: this only tells the person.
 */
@ParentLayout(MainLayout.class)
@PermitAll
public class NotAllowedView extends VerticalLayout implements HasErrorParameter<NotFoundException> {
  @Override
  public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
    removeAll();
    setId("not-allowed");
    add(new H2(getTranslation("notAllowed.title")), new Paragraph(getTranslation("notAllowed.text", event.getLocation().getPath())),
        new Anchor("", getTranslation("notAllowed.back")));
    return HttpServletResponse.SC_NOT_FOUND;
  }
}
