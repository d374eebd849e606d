// Class colours and colour helpers.

export const ORANGE = [0xf5, 0x93, 0x22];
export const BLUE = [0x08, 0x77, 0xbd];

// Tableau 10, for more than two classes.
const TABLEAU = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
  '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
].map(hexToRgb);

export function hexToRgb(hex) {
  const h = hex.replace('#', '');
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

/** [r,g,b] of class `c` among `k` classes. */
export function classRgb(c, k) {
  if (k <= 2) return c === 0 ? ORANGE : BLUE;
  if (c < TABLEAU.length) return TABLEAU[c];
  // Beyond ten classes: golden-angle hues.
  const hue = (c * 137.508) % 360;
  return hslToRgb(hue, 0.55, 0.5);
}

export function classCss(c, k) {
  const [r, g, b] = classRgb(c, k);
  return `rgb(${r},${g},${b})`;
}

function hslToRgb(h, s, l) {
  const a = s * Math.min(l, 1 - l);
  const f = (n) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** Base64 -> Uint8Array. */
export function decodeBase64(s) {
  if (!s) return new Uint8Array(0);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}


/** A class count from the API's `classes`: a list of class names or a number. */
export function classCount(classes) {
  const n = Array.isArray(classes) ? classes.length : Number(classes);
  return Number.isFinite(n) && n >= 2 ? n : 2;
}
