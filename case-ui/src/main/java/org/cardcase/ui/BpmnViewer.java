package org.cardcase.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.ComponentEvent;
import com.vaadin.flow.component.ComponentEventListener;
import com.vaadin.flow.component.DomEvent;
import com.vaadin.flow.component.EventData;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JsModule;
import com.vaadin.flow.component.dependency.NpmPackage;
import com.vaadin.flow.shared.Registration;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The bpmn-js viewer showing a deployed model with the elements a case is at highlighted, or, on
 * the dashboard, each element coloured and labelled by the time cases spend there.
 */
@Tag("bpmn-viewer")
@NpmPackage(value = "bpmn-js", version = "17.9.2")
@JsModule("./bpmn-viewer.js")
public class BpmnViewer extends Component implements HasSize {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How an element looks on the heatmap: 0 (short) to 1 (longest) colours it (below 0: not coloured), the label says the figures. */
  public record Heat(double level, String label, long waiting) {}

  public BpmnViewer(byte[] xml, Set<String> highlighted) {
    getElement().setProperty("xml", new String(inLanguage(xml, getLocale(), this::getTranslation), StandardCharsets.UTF_8));
    getElement().setProperty("highlight", String.join(",", highlighted));
    // kept for tests and tools that read the state without a browser
    getElement().setAttribute("data-highlight", String.join(",", highlighted));
    setWidthFull();
    setHeight("320px");
  }

  /** The name kept with the model for a language: {@code <zeebe:property name="name@zh-CN" value="…"/>}. */
  static final String NAME_PROPERTY = "name@";

  /**
   * The model with its element names in the reader's language, for showing only (the modeler edits
   * the model as deployed). A name kept with the model for the language comes first, then the
   * workspace's name for the step, else the model's own name. English readers see the model's names.
   */
  static byte[] inLanguage(byte[] xml, Locale locale, Function<String, String> translation) {
    if (locale == null || locale.getLanguage().equals("en")) {
      return xml;
    }
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
      var named = doc.getElementsByTagNameNS("http://www.omg.org/spec/BPMN/20100524/MODEL", "*");
      for (int i = 0; i < named.getLength(); i++) {
        Element e = (Element) named.item(i);
        if (!e.hasAttribute("id") || !e.hasAttribute("name")) {
          continue;
        }
        String name = keptWithModel(e, locale);
        if (name == null) {
          String t = translation.apply("step." + e.getAttribute("id"));
          name = t == null || t.startsWith("!") ? null : t;
        }
        if (name != null) {
          e.setAttribute("name", name);
        }
      }
      var out = new ByteArrayOutputStream();
      TransformerFactory.newInstance().newTransformer()
          .transform(new DOMSource(doc), new StreamResult(out));
      return out.toByteArray();
    } catch (Exception unreadable) {
      return xml; // shown as deployed: a diagram in English beats no diagram
    }
  }

  private static String keptWithModel(Element e, Locale locale) {
    var props = e.getElementsByTagNameNS("http://camunda.org/schema/zeebe/1.0", "property");
    for (int i = 0; i < props.getLength(); i++) {
      Element p = (Element) props.item(i);
      String n = p.getAttribute("name");
      // only the element's own properties, not those of a subprocess's children
      if (isOwn(p, e)) {
        if (n.equals(NAME_PROPERTY + locale.toLanguageTag()) || n.equals(NAME_PROPERTY + locale.getLanguage())) {
          return p.getAttribute("value");
        }
      }
    }
    return null;
  }

  private static boolean isOwn(Element property, Element element) {
    Node extension = property.getParentNode() == null ? null : property.getParentNode().getParentNode();
    return extension != null && extension.getParentNode() == element;
  }

  /** Colours and labels the elements (by id); elements not in the map stay as drawn. */
  public void showHeat(Map<String, Heat> heat) {
    try {
      getElement().setProperty("heat", JSON.writeValueAsString(heat));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    StringBuilder summary = new StringBuilder();
    heat.forEach((id, h) -> summary.append(id).append(": ").append(h.label()).append(" (").append(h.waiting()).append("); "));
    getElement().setAttribute("data-heat", summary.toString());
  }

  public Registration onElementClick(ComponentEventListener<ElementClick> listener) {
    return addListener(ElementClick.class, listener);
  }

  /** An element of the diagram was clicked. */
  @DomEvent("element-click")
  public static class ElementClick extends ComponentEvent<BpmnViewer> {
    private final String elementId;

    public ElementClick(BpmnViewer source, boolean fromClient, @EventData("event.detail.id") String elementId) {
      super(source, fromClient);
      this.elementId = elementId;
    }

    public String elementId() {
      return elementId;
    }
  }
}
