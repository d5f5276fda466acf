// <cardcase-chart>: a Chart.js chart whose configuration (JSON) the server sets as the `config`
// property. A click on a bar or point sends `chart-click` with the index of the label and dataset,
// so the server can list what is behind it.
import { Chart, registerables } from 'chart.js';

Chart.register(...registerables);

class CardcaseChart extends HTMLElement {
  set config(value) {
    this._config = value;
    this._render();
  }

  get config() {
    return this._config;
  }

  connectedCallback() {
    this.style.display = 'block';
    this.style.position = 'relative';
    if (!this._canvas) {
      this._canvas = document.createElement('canvas');
      this.appendChild(this._canvas);
    }
    this._render();
  }

  disconnectedCallback() {
    if (this._chart) {
      this._chart.destroy();
      this._chart = null;
    }
  }

  _render() {
    if (!this._canvas || !this._config || !this.isConnected) {
      return;
    }
    const cfg = JSON.parse(this._config);
    cfg.options = Object.assign({ maintainAspectRatio: false, animation: false }, cfg.options || {});
    cfg.options.onClick = (event, elements) => {
      if (elements.length) {
        this.dispatchEvent(new CustomEvent('chart-click',
          { detail: { index: elements[0].index, dataset: elements[0].datasetIndex } }));
      }
    };
    cfg.options.onHover = (event, elements) => {
      event.native.target.style.cursor = elements.length && this.hasAttribute('clickable') ? 'pointer' : 'default';
    };
    if (this._chart) {
      // same chart, new figures: update in place so a live refresh does not flicker
      this._chart.data = cfg.data;
      this._chart.options = cfg.options;
      this._chart.update('none');
    } else {
      this._chart = new Chart(this._canvas, cfg);
    }
  }
}

customElements.define('cardcase-chart', CardcaseChart);
