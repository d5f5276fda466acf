// <bpmn-viewer>: the bpmn-js viewer for the case file. Properties: xml (the deployed BPMN) and
// highlight (comma-separated element ids the case is at), set from the server.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './bpmn-viewer.css';

class BpmnViewerElement extends HTMLElement {
  set xml(value) {
    this._xml = value;
    this._render();
  }

  set highlight(value) {
    this._highlight = value;
    this._render();
  }

  // {elementId: {level: 0..1, label, waiting}}: colours and labels for the dashboard's heatmap
  set heat(value) {
    this._heat = value;
    // a live refresh repaints the figures without loading the diagram again
    if (this.hasAttribute('rendered')) {
      this._paintHeat();
    } else {
      this._render();
    }
  }

  connectedCallback() {
    this.style.display = 'block';
    if (!this.style.height) {
      this.style.height = '320px';
    }
    this._render();
  }

  async _render() {
    if (!this._xml || !this.isConnected) {
      return;
    }
    if (!this._viewer) {
      this._viewer = new NavigatedViewer({ container: this });
      this._viewer.get('eventBus').on('element.click', (e) => {
        this.dispatchEvent(new CustomEvent('element-click', { detail: { id: e.element.id } }));
      });
    }
    try {
      await this._viewer.importXML(this._xml);
      const canvas = this._viewer.get('canvas');
      canvas.zoom('fit-viewport');
      (this._highlight || '').split(',').filter(Boolean).forEach((id) => {
        try {
          canvas.addMarker(id, 'cardcase-current');
        } catch (e) {
          // an id the model does not have: nothing to mark
        }
      });
      this._paintHeat();
      this.setAttribute('rendered', '');
    } catch (e) {
      this.setAttribute('error', String(e && e.message));
    }
  }
}

BpmnViewerElement.prototype._paintHeat = function paintHeat() {
  if (!this._heat) {
    return;
  }
  const heat = JSON.parse(this._heat);
  const registry = this._viewer.get('elementRegistry');
  const overlays = this._viewer.get('overlays');
  overlays.clear();
  Object.entries(heat).forEach(([id, h]) => {
    const element = registry.get(id);
    if (!element) {
      return;
    }
    const shape = registry.getGraphics(element).querySelector('.djs-visual > :first-child');
    // events take no time: their figures would only cover their names
    const isEvent = /Event$/.test(element.type);
    if (shape && !isEvent && h.level >= 0) {
      // green (short) through yellow to red (longest)
      shape.style.fill = `hsl(${Math.round(120 * (1 - h.level))}, 75%, 80%)`;
    }
    if (h.label && !isEvent) {
      const label = document.createElement('div');
      label.className = 'cardcase-heat-label';
      label.textContent = h.label;
      overlays.add(id, { position: { bottom: -4, left: 0 }, html: label });
    }
    if (h.waiting > 0) {
      const badge = document.createElement('div');
      badge.className = 'cardcase-heat-waiting';
      badge.textContent = String(h.waiting);
      overlays.add(id, { position: { top: -10, right: 10 }, html: badge });
    }
  });
};

customElements.define('bpmn-viewer', BpmnViewerElement);
