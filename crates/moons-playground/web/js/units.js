// #units: one small heatmap per hidden unit; hover enlarges it onto the map.

import { ORANGE, BLUE, decodeBase64 } from './colors.js';

export class UnitsView {
  constructor(container, onHover) {
    this.container = container;
    this.onHover = onHover;
    this.shape = '';
    this.canvases = []; // [layer][unit]
    this.hovered = null;
  }

  /** A frame's `units` (or null). */
  update(units) {
    const layers = units && units.layers ? units.layers : [];
    const w = units ? units.width : 0;
    const h = units ? units.height : 0;
    const shape = w + 'x' + h + ':' + layers.map((l) => l.length).join(',');
    if (shape !== this.shape) this.build(layers, w, h, shape);
    for (let l = 0; l < layers.length; l++) {
      for (let i = 0; i < layers[l].length; i++) {
        paintUnit(this.canvases[l][i], layers[l][i], w, h);
      }
    }
  }

  build(layers, w, h, shape) {
    if (this.hovered) {
      this.hovered = null;
      this.onHover(null);
    }
    this.shape = shape;
    this.container.textContent = '';
    this.canvases = [];
    if (!layers.length) {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = 'no hidden units';
      this.container.appendChild(p);
      return;
    }
    layers.forEach((layer, l) => {
      const row = document.createElement('div');
      row.className = 'unit-layer';
      const label = document.createElement('span');
      label.className = 'unit-label';
      label.textContent = 'layer ' + (l + 1);
      row.appendChild(label);
      const list = [];
      layer.forEach((_, i) => {
        const c = document.createElement('canvas');
        c.className = 'unit';
        c.width = Math.max(1, w);
        c.height = Math.max(1, h);
        c.dataset.layer = String(l);
        c.dataset.unit = String(i);
        c.addEventListener('mouseenter', () => {
          this.hovered = c;
          this.onHover(c);
        });
        c.addEventListener('mouseleave', () => {
          if (this.hovered === c) this.hovered = null;
          this.onHover(null);
        });
        row.appendChild(c);
        list.push(c);
      });
      this.container.appendChild(row);
      this.canvases.push(list);
    });
  }
}

/** Orange (negative) - white (0) - blue (positive), over the unit's min..max. */
function paintUnit(canvas, unit, w, h) {
  if (!canvas || !unit) return;
  const bytes = decodeBase64(unit.values);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  const d = img.data;
  const min = Number(unit.min) || 0;
  const max = Number(unit.max) || 0;
  const span = max - min;
  const maxAbs = Math.max(Math.abs(min), Math.abs(max)) || 1;
  const lut = new Uint8ClampedArray(256 * 3);
  for (let b = 0; b < 256; b++) {
    const v = min + (b / 255) * span;
    const t = v / maxAbs;
    const c = t < 0 ? ORANGE : BLUE;
    const a = Math.min(1, Math.abs(t));
    lut[b * 3] = 255 + (c[0] - 255) * a;
    lut[b * 3 + 1] = 255 + (c[1] - 255) * a;
    lut[b * 3 + 2] = 255 + (c[2] - 255) * a;
  }
  const n = Math.min(bytes.length, w * h);
  for (let i = 0; i < n; i++) {
    const b = bytes[i] * 3;
    const o = i * 4;
    d[o] = lut[b];
    d[o + 1] = lut[b + 1];
    d[o + 2] = lut[b + 2];
    d[o + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  canvas.title = `min ${min.toPrecision(3)}, max ${max.toPrecision(3)}`;
}
