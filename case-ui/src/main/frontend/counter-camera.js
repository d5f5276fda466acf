// A counter's camera for the applicant's portrait: a live preview, and the picture taken goes into
// the upload named by the "for" attribute exactly as a chosen file would (so the server checks it
// the same way). Without a camera the clerk uses the upload's file chooser.
class CardcaseCamera extends HTMLElement {
  connectedCallback() {
    if (this._ready) return;
    this._ready = true;
    this.style.display = 'flex';
    this.style.flexDirection = 'column';
    this.style.gap = '6px';
    this.button = document.createElement('vaadin-button');
    this.button.id = (this.id || 'camera') + '-button';
    this.button.textContent = this.getAttribute('label-start') || 'Camera';
    this.video = document.createElement('video');
    this.video.autoplay = true;
    this.video.playsInline = true;
    this.video.style.cssText = 'display:none;width:240px;height:296px;object-fit:cover;border-radius:6px;background:#000';
    this.status = document.createElement('span');
    this.status.style.cssText = 'color:var(--lumo-secondary-text-color);font-size:var(--lumo-font-size-s)';
    this.append(this.button, this.video, this.status);
    this.button.addEventListener('click', () => (this.stream ? this.take() : this.open()));
  }

  disconnectedCallback() {
    this.close();
  }

  async open() {
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 716, height: 882 } });
      this.video.srcObject = this.stream;
      this.video.style.display = 'block';
      this.button.textContent = this.getAttribute('label-take') || 'Take';
      this.status.textContent = '';
    } catch (e) {
      this.status.textContent = (this.getAttribute('label-none') || 'No camera') + ' (' + e.name + ')';
    }
  }

  take() {
    // a portrait of at least 358 x 441, the size the card's photo needs
    const w = Math.max(358, this.video.videoWidth || 358);
    const h = Math.max(441, Math.round(w * 441 / 358));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d').drawImage(this.video, 0, 0, w, h);
    canvas.toBlob((blob) => {
      const upload = document.getElementById(this.getAttribute('for'));
      if (upload && blob) {
        upload.files = [];
        upload._addFiles([new File([blob], 'camera.jpg', { type: 'image/jpeg' })]);
        this.status.textContent = this.getAttribute('label-taken') || 'Taken';
      }
      this.close();
    }, 'image/jpeg', 0.92);
  }

  close() {
    if (this.stream) {
      this.stream.getTracks().forEach((t) => t.stop());
      this.stream = null;
    }
    if (this.video) {
      this.video.style.display = 'none';
      this.button.textContent = this.getAttribute('label-start') || 'Camera';
    }
  }
}
customElements.define('cardcase-camera', CardcaseCamera);
