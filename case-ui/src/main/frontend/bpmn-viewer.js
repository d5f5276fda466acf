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
      this.setAttribute('rendered', '');
    } catch (e) {
      this.setAttribute('error', String(e && e.message));
    }
  }
}

customElements.define('bpmn-viewer', BpmnViewerElement);
