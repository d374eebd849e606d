// #network: layers as columns of circles, edges by weight.

import { ORANGE, BLUE } from './colors.js';

const NEG = `rgb(${ORANGE.join(',')})`;
const POS = `rgb(${BLUE.join(',')})`;

/** Layer sizes from the weights, [inputs, hidden.., outputs]. */
export function sizesOf(weights) {
  if (!weights || !weights.length) return null;
  const sizes = [weights[0].length];
  for (const w of weights) sizes.push(w.length ? w[0].length : 0);
  return sizes;
}

/**
 * Draw the network. `weights[l][i][j]`, or null with `fallbackSizes` for the
 * shape alone (the server leaves weights out for very large networks).
 */
export function drawNetwork(canvas, weights, fallbackSizes) {
  const rect = canvas.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const W = Math.max(1, Math.round((rect.width || 300) * dpr));
  const H = Math.max(1, Math.round((rect.height || 180) * dpr));
  if (canvas.width !== W || canvas.height !== H) {
    canvas.width = W;
    canvas.height = H;
  }
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, W, H);
  const sizes = sizesOf(weights) || fallbackSizes;
  if (!sizes || !sizes.length) return;
  const padX = 16 * dpr;
  const padY = 12 * dpr;
  const cols = sizes.length;
  const colX = (l) => (cols === 1 ? W / 2 : padX + (l * (W - 2 * padX)) / (cols - 1));
  const maxN = Math.max(...sizes);
  const gap = (H - 2 * padY) / Math.max(1, maxN);
  const r = Math.max(1 * dpr, Math.min(7 * dpr, gap * 0.35));
  const nodeY = (l, i) => {
    const n = sizes[l];
    const g = Math.min(gap * (maxN / n), 22 * dpr);
    const total = g * (n - 1);
    return H / 2 - total / 2 + i * g;
  };

  if (weights) {
    let maxAbs = 0;
    for (const layer of weights) for (const row of layer) for (const w of row) {
      const a = Math.abs(w);
      if (a > maxAbs) maxAbs = a;
    }
    if (!(maxAbs > 0)) maxAbs = 1;
    for (let l = 0; l < weights.length; l++) {
      const x0 = colX(l);
      const x1 = colX(l + 1);
      const layer = weights[l];
      for (let i = 0; i < layer.length; i++) {
        const y0 = nodeY(l, i);
        const row = layer[i];
        for (let j = 0; j < row.length; j++) {
          const w = row[j];
          const a = Math.abs(w) / maxAbs;
          if (a < 0.01) continue;
          ctx.strokeStyle = w < 0 ? NEG : POS;
          ctx.globalAlpha = 0.3 + 0.6 * a;
          ctx.lineWidth = Math.max(0.3 * dpr, 4 * dpr * a);
          ctx.beginPath();
          ctx.moveTo(x0, y0);
          ctx.lineTo(x1, nodeY(l + 1, j));
          ctx.stroke();
        }
      }
    }
    ctx.globalAlpha = 1;
  }

  for (let l = 0; l < cols; l++) {
    const x = colX(l);
    for (let i = 0; i < sizes[l]; i++) {
      ctx.beginPath();
      ctx.arc(x, nodeY(l, i), r, 0, Math.PI * 2);
      ctx.fillStyle = '#fff';
      ctx.fill();
      ctx.lineWidth = dpr;
      ctx.strokeStyle = '#666';
      ctx.stroke();
    }
  }
  if (!weights) {
    ctx.fillStyle = '#888';
    ctx.font = `${10 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.fillText('too many edges to draw', W / 2, H - 4 * dpr);
  }
}
