// <form-editor>: the form-js editor for a task form draft. Properties set from the server: schema
// (the form's JSON) and readonly. Fires 'form-changed' {json} a moment after each edit (the server
// saves it), and at once when the page is hidden or left.
import { FormEditor } from '@bpmn-io/form-js-editor';
import { Form } from '@bpmn-io/form-js-viewer';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import '@bpmn-io/form-js-editor/dist/assets/form-js-editor.css';
import '@bpmn-io/form-js-editor/dist/assets/properties-panel.css';

const SAVE_AFTER_MS = 1500;

class FormEditorElement extends HTMLElement {
  set schema(value) {
    if (value === this._schema || value === this._exported) {
      return;
    }
    this._schema = value;
    this._build();
  }

  set readonly(value) {
    this._readonly = value === true || value === 'true';
  }

  connectedCallback() {
    this.style.display = 'block';
    this._flush = () => this._save();
    this._hidden = () => document.visibilityState === 'hidden' && this._save();
    window.addEventListener('beforeunload', this._flush);
    document.addEventListener('visibilitychange', this._hidden);
    this._build();
  }

  disconnectedCallback() {
    this._save();
    window.removeEventListener('beforeunload', this._flush);
    document.removeEventListener('visibilitychange', this._hidden);
  }

  async _build() {
    if (!this._schema || !this.isConnected) {
      return;
    }
    if (this._editor) {
      this._editor.destroy();
      this._editor = null;
    }
    this.innerHTML = '';
    const container = document.createElement('div');
    container.style.cssText = 'min-height: 480px; width: 100%; overflow: auto; border: 1px solid var(--lumo-contrast-20pct, #ccc);';
    this.append(container);
    try {
      if (this._readonly) {
        this._editor = new Form({ container });
        await this._editor.importSchema(JSON.parse(this._schema));
      } else {
        this._editor = new FormEditor({ container });
        await this._editor.importSchema(JSON.parse(this._schema));
        this._editor.on('changed', () => {
          clearTimeout(this._timer);
          this._dirty = true;
          this._timer = setTimeout(() => this._save(), SAVE_AFTER_MS);
        });
      }
      this.setAttribute('rendered', '');
      this.removeAttribute('import-error');
    } catch (e) {
      this.setAttribute('import-error', String(e.message || e));
    }
  }

  _save() {
    if (!this._dirty || !this._editor || this._readonly) {
      return;
    }
    this._dirty = false;
    clearTimeout(this._timer);
    const json = JSON.stringify(this._editor.saveSchema(), null, 2);
    this._exported = json;
    this.dispatchEvent(new CustomEvent('form-changed', { detail: { json } }));
  }
}

customElements.define('form-editor', FormEditorElement);
