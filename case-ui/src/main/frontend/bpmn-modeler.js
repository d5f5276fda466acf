// <bpmn-modeler>: bpmn-js Modeler with the Camunda 8 (Zeebe) properties panel, for an analyst's draft.
// Properties set from the server: xml (the draft), readonly, problems (comma-separated element ids the
// server's check found at fault, marked on the canvas). Fires 'model-changed' {xml} a moment after each
// edit (the server saves it: autosave), and at once when the page is hidden or left. While editing,
// bpmnlint checks Camunda 8.8 compatibility in the browser (the server checks again, with this
// system's own rules); its findings are on the canvas and in the attribute data-lint.
import Modeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule
} from 'bpmn-js-properties-panel';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import lintModule from 'bpmn-js-bpmnlint';
import camunda88 from './bpmnlint-camunda-8-8.js';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import './bpmn-viewer.css';

const SAVE_AFTER_MS = 1500;

class BpmnModelerElement extends HTMLElement {
  set xml(value) {
    // the server echoes what it saved: only a different model (a reload) is imported again
    if (value === this._xml || value === this._exported) {
      return;
    }
    this._xml = value;
    this._build();
  }

  set readonly(value) {
    this._readonly = value === true || value === 'true';
    this._build(true);
  }

  // {"ADDED":[ids],"CHANGED":[ids]}: the draft's changes against the current version, coloured on the canvas
  set changes(value) {
    try {
      this._changes = JSON.parse(value || '{}');
    } catch (e) {
      this._changes = {};
    }
    this._markProblems();
  }

  set problems(value) {
    this._problems = (value || '').split(',').filter((s) => s);
    this._markProblems();
  }

  connectedCallback() {
    this.style.display = 'flex';
    if (!this.style.height) {
      this.style.height = '560px';
    }
    this._flush = () => this._save(true);
    this._hidden = () => document.visibilityState === 'hidden' && this._save(true);
    window.addEventListener('beforeunload', this._flush);
    document.addEventListener('visibilitychange', this._hidden);
    this._build();
  }

  disconnectedCallback() {
    this._save(true);
    window.removeEventListener('beforeunload', this._flush);
    document.removeEventListener('visibilitychange', this._hidden);
  }

  async _build(again) {
    if (!this._xml || !this.isConnected) {
      return;
    }
    if (again && this._modeler) {
      this._modeler.destroy();
      this._modeler = null;
      this.innerHTML = '';
    }
    if (!this._modeler) {
      const canvas = document.createElement('div');
      canvas.className = 'cardcase-modeler-canvas';
      canvas.style.cssText = 'flex: 1 1 auto; height: 100%; border: 1px solid var(--lumo-contrast-20pct, #ccc);';
      const panel = document.createElement('div');
      panel.className = 'cardcase-modeler-panel';
      panel.style.cssText = 'flex: 0 0 320px; height: 100%; overflow: auto; border: 1px solid var(--lumo-contrast-20pct, #ccc);';
      this.append(canvas, panel);
      if (this._readonly) {
        panel.style.display = 'none';
        this._modeler = new NavigatedViewer({ container: canvas, moddleExtensions: { zeebe: zeebeModdle } });
      } else {
        this._modeler = new Modeler({
          container: canvas,
          propertiesPanel: { parent: panel },
          linting: { bpmnlint: camunda88, active: true },
          additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule,
            ZeebeBehaviorsModule, lintModule],
          moddleExtensions: { zeebe: zeebeModdle }
        });
        // what the lint found, for tests and tools: "elementId:rule" per finding
        this._modeler.on('linting.completed', ({ issues }) => {
          const found = [];
          Object.entries(issues || {}).forEach(([id, list]) => list.forEach((i) => found.push(id + ':' + i.rule)));
          this.setAttribute('data-lint', found.join(','));
        });
        this._modeler.on('commandStack.changed', () => {
          clearTimeout(this._timer);
          this._dirty = true;
          this._timer = setTimeout(() => this._save(false), SAVE_AFTER_MS);
        });
      }
    }
    try {
      await this._modeler.importXML(this._xml);
      this._modeler.get('canvas').zoom('fit-viewport');
      this._markProblems();
      this.setAttribute('rendered', '');
      this.removeAttribute('import-error');
    } catch (e) {
      this.setAttribute('import-error', String(e.message || e));
    }
  }

  async _save(now) {
    if (!this._dirty || !this._modeler || this._readonly) {
      return;
    }
    this._dirty = false;
    clearTimeout(this._timer);
    const { xml } = await this._modeler.saveXML({ format: true });
    this._exported = xml;
    this.dispatchEvent(new CustomEvent('model-changed', { detail: { xml, now } }));
  }

  _markProblems() {
    if (!this._modeler || !this.hasAttribute('rendered')) {
      return;
    }
    const canvas = this._modeler.get('canvas');
    const registry = this._modeler.get('elementRegistry');
    (this._marked || []).forEach((id) => registry.get(id) && canvas.removeMarker(id, 'cardcase-problem'));
    this._marked = (this._problems || []).filter((id) => registry.get(id));
    this._marked.forEach((id) => canvas.addMarker(id, 'cardcase-problem'));
    this.setAttribute('data-problems', this._marked.join(','));
    (this._changeMarked || []).forEach(([id, m]) => registry.get(id) && canvas.removeMarker(id, m));
    this._changeMarked = [];
    Object.entries(this._changes || {}).forEach(([kind, ids]) => ids.filter((id) => registry.get(id)).forEach((id) => {
      const marker = 'cardcase-' + kind.toLowerCase();
      canvas.addMarker(id, marker);
      this._changeMarked.push([id, marker]);
    }));
    this.setAttribute('data-changes', this._changeMarked.map(([id, m]) => id + ':' + m).join(','));
  }
}

customElements.define('bpmn-modeler', BpmnModelerElement);
