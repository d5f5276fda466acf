package org.cardcase.ui;

import io.camunda.zeebe.model.bpmn.Bpmn;
import io.camunda.zeebe.model.bpmn.BpmnModelInstance;
import io.camunda.zeebe.model.bpmn.instance.BaseElement;
import io.camunda.zeebe.model.bpmn.instance.BoundaryEvent;
import io.camunda.zeebe.model.bpmn.instance.CallActivity;
import io.camunda.zeebe.model.bpmn.instance.EndEvent;
import io.camunda.zeebe.model.bpmn.instance.ExclusiveGateway;
import io.camunda.zeebe.model.bpmn.instance.FlowElement;
import io.camunda.zeebe.model.bpmn.instance.ReceiveTask;
import io.camunda.zeebe.model.bpmn.instance.StartEvent;
import io.camunda.zeebe.model.bpmn.instance.UserTask;
import io.camunda.zeebe.model.bpmn.instance.bpmndi.BpmnEdge;
import io.camunda.zeebe.model.bpmn.instance.bpmndi.BpmnShape;
import io.camunda.zeebe.model.bpmn.instance.dc.Bounds;
import io.camunda.zeebe.model.bpmn.instance.di.Waypoint;
import java.io.ByteArrayInputStream;
import java.util.Set;

/**
 * Draws a BPMN model as SVG from its own diagram interchange (the shapes and edges the Modeler
 * saved), with the elements a case is at highlighted. Server-side, so the case file needs no
 * extra script and shows exactly the deployed model.
 */
public final class BpmnDiagram {
  private BpmnDiagram() {}

  public static String svg(byte[] xml, Set<String> highlighted) {
    BpmnModelInstance model = Bpmn.readModelFromStream(new ByteArrayInputStream(xml));
    double maxX = 0;
    double maxY = 0;
    double minY = Double.MAX_VALUE;
    for (BpmnShape s : model.getModelElementsByType(BpmnShape.class)) {
      Bounds b = s.getBounds();
      maxX = Math.max(maxX, b.getX() + b.getWidth());
      maxY = Math.max(maxY, b.getY() + b.getHeight() + 30);
      minY = Math.min(minY, b.getY() - 40);
    }
    for (BpmnEdge e : model.getModelElementsByType(BpmnEdge.class)) {
      for (Waypoint w : e.getWaypoints()) {
        minY = Math.min(minY, w.getY() - 10);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format("<svg xmlns='http://www.w3.org/2000/svg' viewBox='%d %d %d %d' width='100%%' role='img'>",
        60, (int) minY, (int) maxX, (int) (maxY - minY)));
    out.append("<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='6' markerHeight='6' orient='auto'>"
        + "<path d='M0,0 L10,5 L0,10 z' fill='#555'/></marker></defs>");
    out.append("<style>text{font:11px sans-serif;fill:#222} .current{stroke:#d4380d;stroke-width:4;fill:#fff1e6}</style>");
    for (BpmnEdge e : model.getModelElementsByType(BpmnEdge.class)) {
      StringBuilder pts = new StringBuilder();
      for (Waypoint w : e.getWaypoints()) {
        pts.append(w.getX()).append(',').append(w.getY()).append(' ');
      }
      out.append("<polyline points='").append(pts).append("' fill='none' stroke='#555' stroke-width='1.5' marker-end='url(#arrow)'/>");
    }
    for (BpmnShape s : model.getModelElementsByType(BpmnShape.class)) {
      BaseElement el = s.getBpmnElement();
      Bounds b = s.getBounds();
      boolean current = highlighted.contains(el.getId());
      String cls = current ? " class='current'" : "";
      String id = " data-element='" + el.getId() + "'";
      double x = b.getX();
      double y = b.getY();
      double w = b.getWidth();
      double h = b.getHeight();
      String name = el instanceof FlowElement f && f.getName() != null ? f.getName() : "";
      if (el instanceof StartEvent || el instanceof EndEvent || el instanceof BoundaryEvent) {
        double stroke = el instanceof EndEvent ? 3 : 1.5;
        String dash = el instanceof BoundaryEvent b2 && !b2.cancelActivity() ? " stroke-dasharray='3,2'" : "";
        out.append(String.format("<circle%s%s cx='%.0f' cy='%.0f' r='%.0f' fill='#fff' stroke='#333' stroke-width='%.1f'%s/>", id, cls,
            x + w / 2, y + h / 2, w / 2, stroke, dash));
        if (el instanceof BoundaryEvent) {
          out.append(String.format("<circle cx='%.0f' cy='%.0f' r='%.0f' fill='none' stroke='#333'/>", x + w / 2, y + h / 2, w / 2 - 4));
        }
        label(out, name, x + w / 2, y + h + 14, 22);
      } else if (el instanceof ExclusiveGateway) {
        out.append(String.format("<polygon%s%s points='%.0f,%.0f %.0f,%.0f %.0f,%.0f %.0f,%.0f' fill='#fff' stroke='#333' stroke-width='1.5'/>",
            id, cls, x + w / 2, y, x + w, y + h / 2, x + w / 2, y + h, x, y + h / 2));
        out.append(String.format("<text x='%.0f' y='%.0f' text-anchor='middle' style='font-size:18px'>×</text>", x + w / 2, y + h / 2 + 6));
        label(out, name, x + w / 2, y - 8, 22);
      } else {
        String fill = el instanceof UserTask ? "#e6f4ff" : el instanceof ReceiveTask ? "#f6ffed" : "#fff";
        double sw = el instanceof CallActivity ? 3 : 1.5;
        out.append(String.format("<rect%s%s x='%.0f' y='%.0f' width='%.0f' height='%.0f' rx='10' fill='%s' stroke='#333' stroke-width='%.1f'/>",
            id, cls, x, y, w, h, fill, sw));
        label(out, name, x + w / 2, y + h / 2 - 6, 16);
      }
    }
    return out.append("</svg>").toString();
  }

  /** Wraps a label over at most three lines. */
  private static void label(StringBuilder out, String text, double cx, double y, int perLine) {
    String esc = text.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;");
    int lines = 0;
    for (int i = 0; i < esc.length() && lines < 3; i += perLine, lines++) {
      String part = esc.substring(i, Math.min(esc.length(), i + perLine));
      out.append(String.format("<text x='%.0f' y='%.0f' text-anchor='middle'>%s</text>", cx, y + lines * 13, part));
    }
  }
}
