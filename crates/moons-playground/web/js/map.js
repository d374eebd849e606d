// The probability map on #map: cells from the frame, points on top.

import { classRgb, classCss, classCount, decodeBase64 } from './colors.js';

const MAX_INTENSITY = 0.7; // keeps the points readable on the sure areas
const DISCRETE_INTENSITY = 0.45;

export class MapView {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.cells = document.createElement('canvas'); // width x height of the map
    this.cellsCtx = this.cells.getContext('2d');
    this.points = document.createElement('canvas'); // points at the backing size
    this.pointsCtx = this.points.getContext('2d');
    this.map = null; // last frame's map, decoded
    this.data = null; // GET /data
    this.discretize = false;
    this.showTest = false;
    this.overlay = null; // a unit's canvas while hovered
    this.note = '';
    this.pointsDirty = true;
    this.resize();
  }

  /** Match the backing store to the css size and the pixel ratio. */
  resize() {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round((rect.width || 400) * dpr));
    const h = Math.max(1, Math.round((rect.height || 400) * dpr));
    const stale = this.points.width !== w || this.points.height !== h;
    if (stale || this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.points.width = w;
      this.points.height = h;
      this.pointsDirty = true;
    }
    this.dpr = dpr;
  }

  /** The bounds [x0, x1, y0, y1] the map and the points are drawn in. */
  bounds() {
    if (this.map && this.map.bounds) return this.map.bounds;
    if (this.data && this.data.bounds) return this.data.bounds;
    return null;
  }

  /** A frame's `map` (or null): decode once and paint the cells. */
  setMap(map) {
    if (!map) {
      this.map = null;
      return;
    }
    const prev = this.map && this.map.bounds;
    this.map = {
      width: map.width,
      height: map.height,
      bounds: map.bounds,
      classes: map.classes,
      argmax: decodeBase64(map.argmax),
      confidence: decodeBase64(map.confidence),
    };
    if (!prev || !map.bounds || prev.some((v, i) => v !== map.bounds[i])) this.pointsDirty = true;
    this.paintCells();
  }

  paintCells() {
    const m = this.map;
    if (!m) return;
    const { width, height } = m;
    if (this.cells.width !== width || this.cells.height !== height) {
      this.cells.width = width;
      this.cells.height = height;
      this.image = null;
    }
    if (!this.image) this.image = this.cellsCtx.createImageData(width, height);
    const d = this.image.data;
    const k = classCount(m.classes);
    const floor = 1 / k;
    const palette = [];
    for (let c = 0; c < k; c++) palette.push(classRgb(c, k));
    const n = width * height;
    for (let i = 0; i < n; i++) {
      const c = m.argmax[i] || 0;
      const rgb = palette[c] || palette[0];
      let w;
      if (this.discretize) {
        w = DISCRETE_INTENSITY;
      } else {
        // Blend toward white by (1 - confidence): white on the boundary,
        // full colour where the network is sure.
        const p = (m.confidence[i] || 0) / 255;
        w = (p - floor) / (1 - floor);
        w = w < 0 ? 0 : w > 1 ? 1 : w;
        w *= MAX_INTENSITY;
      }
      const o = i * 4;
      d[o] = 255 + (rgb[0] - 255) * w;
      d[o + 1] = 255 + (rgb[1] - 255) * w;
      d[o + 2] = 255 + (rgb[2] - 255) * w;
      d[o + 3] = 255;
    }
    this.cellsCtx.putImageData(this.image, 0, 0);
  }

  setDiscretize(on) {
    this.discretize = on;
    this.paintCells();
  }

  setShowTest(on) {
    this.showTest = on;
    this.pointsDirty = true;
  }

  setData(data) {
    this.data = data;
    this.pointsDirty = true;
  }

  setOverlay(canvas) {
    this.overlay = canvas;
  }

  /** Client coordinates -> data coordinates (row 0 is the top = largest y). */
  toData(clientX, clientY) {
    const b = this.bounds();
    if (!b) return null;
    const rect = this.canvas.getBoundingClientRect();
    const fx = (clientX - rect.left) / rect.width;
    const fy = (clientY - rect.top) / rect.height;
    return { x: b[0] + fx * (b[1] - b[0]), y: b[3] - fy * (b[3] - b[2]) };
  }

  paintPoints() {
    this.pointsDirty = false;
    const ctx = this.pointsCtx;
    const W = this.points.width;
    const H = this.points.height;
    ctx.clearRect(0, 0, W, H);
    const data = this.data;
    const b = this.bounds();
    if (!data || !b || data.drawable === false) return;
    const k = classCount(data.classes);
    const sx = W / (b[1] - b[0]);
    const sy = H / (b[3] - b[2]);
    const sets = [[data.train, false]];
    if (this.showTest && data.test) sets.push([data.test, true]);
    let total = 0;
    for (const [s] of sets) total += s && s.x ? s.x.length : 0;
    const dpr = this.dpr || 1;
    const r = (total <= 500 ? 4 : total <= 2000 ? 3.2 : total <= 10000 ? 2.2 : 1.4) * dpr;
    const outline = r >= 2 * dpr;
    const limit = 60000;
    for (const [set, isTest] of sets) {
      if (!set || !set.x) continue;
      const n = set.x.length;
      const stride = Math.max(1, Math.ceil(total / limit));
      for (let i = 0; i < n; i += stride) {
        const p = set.x[i];
        const px = (p[0] - b[0]) * sx;
        const py = (b[3] - p[1]) * sy;
        ctx.fillStyle = classCss(set.y[i], k);
        if (!outline) {
          ctx.fillRect(px - r, py - r, 2 * r, 2 * r);
          continue;
        }
        ctx.beginPath();
        ctx.arc(px, py, r, 0, Math.PI * 2);
        ctx.fill();
        ctx.lineWidth = (isTest ? 1.6 : 1) * dpr;
        ctx.strokeStyle = isTest ? '#222' : '#fff';
        ctx.stroke();
      }
    }
  }

  render() {
    this.resize();
    const ctx = this.ctx;
    const W = this.canvas.width;
    const H = this.canvas.height;
    ctx.imageSmoothingEnabled = false;
    const source = this.overlay || (this.map ? this.cells : null);
    if (source) {
      ctx.drawImage(source, 0, 0, W, H);
    } else {
      ctx.fillStyle = '#f3f3f1';
      ctx.fillRect(0, 0, W, H);
      ctx.fillStyle = '#888';
      ctx.font = `${14 * (this.dpr || 1)}px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(this.note || 'map not drawn', W / 2, H / 2);
    }
    if (!source) return;
    if (this.pointsDirty) this.paintPoints();
    ctx.drawImage(this.points, 0, 0);
  }
}
