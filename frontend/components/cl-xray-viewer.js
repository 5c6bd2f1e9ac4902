import { LitElement, css, html } from 'lit';

/**
 * An X-ray with an optional heatmap overlay: zoom, pan, overlay opacity and visibility, and
 * window/level presets applied to the X-ray only (never to the heatmap, whose colours mean something).
 *
 * Keyboard (when the image has focus): + and - zoom, arrow keys pan, 0 resets.
 * Pointer: wheel zooms around the pointer, drag pans, two fingers pinch-zoom.
 *
 * Viewers that share a `sync-group` mirror each other's zoom, pan, opacity and overlay visibility
 * in the browser (for side-by-side comparison), without a round trip to the server.
 * The server learns about user changes through the `settings-changed` event.
 */
const PRESETS = {
  // Low and high ends of the displayed window on the stored 8-bit image, and whether to invert.
  default: { lo: 0, hi: 255, invert: false },
  lungs: { lo: 0, hi: 170, invert: false },
  mediastinum: { lo: 70, hi: 255, invert: false },
  bone: { lo: 110, hi: 240, invert: false },
  invert: { lo: 0, hi: 255, invert: true },
};

const MIN_ZOOM = 1;
const MAX_ZOOM = 8;

class ClXrayViewer extends LitElement {
  static properties = {
    src: { type: String },
    overlay: { type: String },
    overlayLabel: { type: String, attribute: 'overlay-label' },
    alt: { type: String },
    opacity: { type: Number, reflect: true },
    overlayVisible: { type: Boolean, attribute: 'overlay-visible', reflect: true },
    overlayControls: { type: Boolean, attribute: 'overlay-controls' },
    windowPreset: { type: String, attribute: 'window-preset' },
    syncGroup: { type: String, attribute: 'sync-group' },
    zoom: { type: Number },
    panX: { type: Number },
    panY: { type: Number },
    _windowed: { state: true },
    _failed: { state: true },
  };

  static styles = css`
    :host { display: block; position: relative; --cl-viewer-height: min(70vh, 760px); }
    .viewport {
      position: relative;
      overflow: hidden;
      /* As tall as the X-ray needs at this width, up to a limit: no black bands on phones. */
      width: 100%;
      aspect-ratio: var(--cl-aspect, 1);
      max-height: var(--cl-viewer-height);
      background: #111;
      border-radius: var(--lumo-border-radius-m, 6px);
      touch-action: none;
      cursor: grab;
      outline: none;
    }
    .viewport:focus-visible { box-shadow: 0 0 0 3px var(--lumo-primary-color, #1a6b80); }
    .viewport.dragging { cursor: grabbing; }
    .stage { position: absolute; inset: 0; transform-origin: 0 0; will-change: transform; }
    .stage img, .stage canvas {
      position: absolute; inset: 0; width: 100%; height: 100%;
      object-fit: contain; user-select: none; -webkit-user-drag: none; pointer-events: none;
    }
    .stage img.base { image-rendering: auto; }
    .overlay { transition: opacity 80ms linear; }
    .controls {
      display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 0.75rem;
      padding: 0.4rem 0; font-size: var(--lumo-font-size-s, 0.875rem);
    }
    .controls .group { display: flex; align-items: center; gap: 0.25rem; }
    button {
      font: inherit; min-width: 2.25rem; min-height: 2.25rem; padding: 0 0.5rem;
      border: 1px solid var(--cl-border, #d5dbe1); border-radius: var(--lumo-border-radius-m, 6px);
      background: var(--cl-surface, #fff); color: var(--lumo-body-text-color, #1b2733); cursor: pointer;
    }
    button:focus-visible, input:focus-visible { outline: 2px solid var(--lumo-primary-color, #1a6b80); outline-offset: 2px; }
    label { display: inline-flex; align-items: center; gap: 0.35rem; cursor: pointer; }
    input[type=range] { width: 9rem; accent-color: var(--lumo-primary-color, #1a6b80); }
    .zoom-level { min-width: 3.2rem; text-align: center; font-variant-numeric: tabular-nums; }
    .hint { color: var(--cl-muted, #5a6570); }
    .failed { color: #fff; position: absolute; inset: 0; display: grid; place-items: center; padding: 1rem; text-align: center; }
    @media (max-width: 600px) {
      :host { --cl-viewer-height: min(60vh, 420px); }
      .hint { display: none; }
      input[type=range] { width: 7rem; }
    }
  `;

  constructor() {
    super();
    this.opacity = 0.7;
    this.overlayVisible = true;
    this.overlayControls = true;
    this.windowPreset = 'default';
    this.zoom = 1;
    this.panX = 0;
    this.panY = 0;
    this.alt = 'Chest X-ray';
    this._pointers = new Map();
    this._applyingSync = false;
    this._onSync = (e) => this._receiveSync(e);
  }

  connectedCallback() {
    super.connectedCallback();
    window.addEventListener('cl-xray-sync', this._onSync);
  }

  disconnectedCallback() {
    window.removeEventListener('cl-xray-sync', this._onSync);
    super.disconnectedCallback();
  }

  render() {
    const overlayShown = this.overlay && this.overlayVisible;
    const pct = Math.round(this.opacity * 100);
    return html`
      <div class="viewport" tabindex="0" role="img"
           aria-label="${this.alt}${overlayShown ? `, with heatmap ${this.overlayLabel || ''} at ${pct}% opacity` : ''}. Zoom ${Math.round(this.zoom * 100)}%. Use plus and minus to zoom, arrow keys to pan, 0 to reset."
           @wheel=${this._wheel} @pointerdown=${this._down} @pointermove=${this._move}
           @pointerup=${this._up} @pointercancel=${this._up} @keydown=${this._key} @dblclick=${this._reset}>
        <div class="stage" style="transform: translate(${this.panX}px, ${this.panY}px) scale(${this.zoom})">
          <img class="base" src="${this.src || ''}" alt="" draggable="false"
               ?hidden=${this._windowed} @load=${this._baseLoaded} @error=${() => { this._failed = true; }}>
          <canvas class="windowed" ?hidden=${!this._windowed}></canvas>
          ${this.overlay ? html`<img class="overlay" src="${this.overlay}" alt="" draggable="false"
               style="opacity: ${overlayShown ? this.opacity : 0}">` : ''}
        </div>
        ${this._failed ? html`<div class="failed">The image could not be loaded.</div>` : ''}
      </div>
      <div class="controls" part="controls">
        <div class="group" role="group" aria-label="Zoom">
          <button type="button" aria-label="Zoom out" title="Zoom out (-)" @click=${() => this._zoomBy(1 / 1.25)}>&minus;</button>
          <span class="zoom-level" aria-live="polite">${Math.round(this.zoom * 100)}%</span>
          <button type="button" aria-label="Zoom in" title="Zoom in (+)" @click=${() => this._zoomBy(1.25)}>+</button>
          <button type="button" aria-label="Reset zoom and pan" title="Reset (0)" @click=${this._reset}>Reset</button>
        </div>
        ${this.overlay && this.overlayControls ? html`
          <div class="group">
            <label><input type="checkbox" class="overlay-toggle" .checked=${this.overlayVisible}
                          @change=${(e) => this._setOverlay(e.target.checked, this.opacity)}>Heatmap</label>
          </div>
          <div class="group">
            <label>Opacity
              <input type="range" class="opacity" min="0" max="100" step="5" .value=${String(pct)}
                     ?disabled=${!this.overlayVisible}
                     aria-valuetext="${pct}%"
                     @input=${(e) => this._setOverlay(this.overlayVisible, Number(e.target.value) / 100)}>
            </label>
            <span class="zoom-level">${pct}%</span>
          </div>` : ''}
        <span class="hint">Drag to pan, wheel or +/- to zoom.</span>
      </div>
    `;
  }

  updated(changed) {
    if (changed.has('windowPreset') || changed.has('src')) {
      this._applyWindow();
    }
  }

  _baseLoaded() {
    this._failed = false;
    const img = this.renderRoot.querySelector('img.base');
    if (img && img.naturalWidth && img.naturalHeight) {
      this.style.setProperty('--cl-aspect', String(img.naturalWidth / img.naturalHeight));
    }
    this._applyWindow();
  }

  /** Window/level on the stored image: a look-up table applied on a canvas copy, the original stays as it is. */
  _applyWindow() {
    const preset = PRESETS[this.windowPreset] || PRESETS.default;
    const img = this.renderRoot && this.renderRoot.querySelector('img.base');
    const canvas = this.renderRoot && this.renderRoot.querySelector('canvas.windowed');
    if (!img || !canvas) {
      return;
    }
    if (preset === PRESETS.default) {
      this._windowed = false;
      return;
    }
    if (!img.complete || !img.naturalWidth) {
      return;
    }
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const lut = new Uint8ClampedArray(256);
    for (let v = 0; v < 256; v++) {
      let out = ((v - preset.lo) / (preset.hi - preset.lo)) * 255;
      out = Math.max(0, Math.min(255, out));
      lut[v] = preset.invert ? 255 - out : out;
    }
    const px = data.data;
    for (let i = 0; i < px.length; i += 4) {
      px[i] = lut[px[i]];
      px[i + 1] = lut[px[i + 1]];
      px[i + 2] = lut[px[i + 2]];
    }
    ctx.putImageData(data, 0, 0);
    this._windowed = true;
  }

  _setOverlay(visible, opacity) {
    this.overlayVisible = visible;
    this.opacity = Math.max(0, Math.min(1, opacity));
    this._changed(true);
  }

  _viewport() {
    return this.renderRoot.querySelector('.viewport');
  }

  _zoomBy(factor, cx, cy) {
    const vp = this._viewport();
    const x = cx ?? vp.clientWidth / 2;
    const y = cy ?? vp.clientHeight / 2;
    const z = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, this.zoom * factor));
    const k = z / this.zoom;
    this.panX = x - (x - this.panX) * k;
    this.panY = y - (y - this.panY) * k;
    this.zoom = z;
    this._clamp();
    this._changed(false);
  }

  /** Keeps some of the image in view: the stage may not leave the viewport entirely. */
  _clamp() {
    const vp = this._viewport();
    const w = vp.clientWidth;
    const h = vp.clientHeight;
    if (this.zoom <= 1) {
      this.panX = 0;
      this.panY = 0;
      return;
    }
    this.panX = Math.min(0, Math.max(w - w * this.zoom, this.panX));
    this.panY = Math.min(0, Math.max(h - h * this.zoom, this.panY));
  }

  _reset() {
    this.zoom = 1;
    this.panX = 0;
    this.panY = 0;
    this._changed(false);
  }

  _wheel(e) {
    e.preventDefault();
    const r = this._viewport().getBoundingClientRect();
    this._zoomBy(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
  }

  _down(e) {
    this._viewport().setPointerCapture(e.pointerId);
    this._pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    this._viewport().classList.add('dragging');
  }

  _move(e) {
    const prev = this._pointers.get(e.pointerId);
    if (!prev) {
      return;
    }
    if (this._pointers.size === 2) {
      const [a, b] = [...this._pointers.values()];
      const before = Math.hypot(a.x - b.x, a.y - b.y);
      this._pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      const [c, d] = [...this._pointers.values()];
      const after = Math.hypot(c.x - d.x, c.y - d.y);
      const r = this._viewport().getBoundingClientRect();
      if (before > 0) {
        this._zoomBy(after / before, (c.x + d.x) / 2 - r.left, (c.y + d.y) / 2 - r.top);
      }
      return;
    }
    this.panX += e.clientX - prev.x;
    this.panY += e.clientY - prev.y;
    this._pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    this._clamp();
    this._changed(false);
  }

  _up(e) {
    this._pointers.delete(e.pointerId);
    if (this._pointers.size === 0) {
      this._viewport().classList.remove('dragging');
    }
  }

  _key(e) {
    const step = 40;
    switch (e.key) {
      case '+': case '=': this._zoomBy(1.25); break;
      case '-': case '_': this._zoomBy(1 / 1.25); break;
      case '0': this._reset(); break;
      case 'ArrowLeft': this.panX += step; break;
      case 'ArrowRight': this.panX -= step; break;
      case 'ArrowUp': this.panY += step; break;
      case 'ArrowDown': this.panY -= step; break;
      default: return;
    }
    e.preventDefault();
    this._clamp();
    this._changed(false);
  }

  /** Tells the server (settings) and the other viewers of the sync group (everything). */
  _changed(settings) {
    if (this._applyingSync) {
      return;
    }
    if (settings) {
      this.dispatchEvent(new CustomEvent('settings-changed', {
        detail: { opacity: this.opacity, overlayVisible: this.overlayVisible },
      }));
    }
    if (this.syncGroup) {
      window.dispatchEvent(new CustomEvent('cl-xray-sync', {
        detail: {
          source: this, group: this.syncGroup, zoom: this.zoom, panX: this.panX, panY: this.panY,
          opacity: this.opacity, overlayVisible: this.overlayVisible,
        },
      }));
    }
  }

  _receiveSync(e) {
    const d = e.detail;
    if (d.source === this || !this.syncGroup || d.group !== this.syncGroup) {
      return;
    }
    this._applyingSync = true;
    try {
      this.zoom = d.zoom;
      this.panX = d.panX;
      this.panY = d.panY;
      this.opacity = d.opacity;
      this.overlayVisible = d.overlayVisible;
    } finally {
      this._applyingSync = false;
    }
  }
}

customElements.define('cl-xray-viewer', ClXrayViewer);
