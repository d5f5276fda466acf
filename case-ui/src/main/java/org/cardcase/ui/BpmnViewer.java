package org.cardcase.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.dependency.NpmPackage;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** The bpmn-js viewer showing a deployed model with the elements a case is at highlighted. */
@Tag("bpmn-viewer")
@NpmPackage(value = "bpmn-js", version = "17.9.2")
@JsModule("./bpmn-viewer.js")
public class BpmnViewer extends Component implements HasSize {

  public BpmnViewer(byte[] xml, Set<String> highlighted) {
    getElement().setProperty("xml", new String(xml, StandardCharsets.UTF_8));
    getElement().setProperty("highlight", String.join(",", highlighted));
    // kept for tests and tools that read the state without a browser
    getElement().setAttribute("data-highlight", String.join(",", highlighted));
    setWidthFull();
    setHeight("320px");
  }
}
