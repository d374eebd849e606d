// The configuration <-> location.hash.

export const CONFIG_KEYS = [
  'dataset', 'samples', 'noise', 'classes', 'seed', 'test_fraction', 'hidden',
  'activation', 'init', 'optimizer', 'learning_rate', 'schedule', 'decay',
  'reg_lambda', 'batch_size', 'gradient', 'momentum',
];
export const RUN_KEYS = ['speed', 'stop'];
export const HASH_KEYS = [...CONFIG_KEYS, ...RUN_KEYS];

const NUMERIC = new Set([
  'samples', 'noise', 'classes', 'seed', 'test_fraction', 'learning_rate',
  'decay', 'reg_lambda', 'batch_size', 'momentum', 'stop',
]);
const NULLABLE = new Set(['batch_size', 'stop']);

/** The seed's defaults (docs/playground.md), used when /api/defaults is missing. */
export const FALLBACK_DEFAULTS = {
  dataset: 'moons', samples: 200, noise: 0.2, classes: 2, seed: 0,
  test_fraction: 0, hidden: [3], activation: 'tanh', init: 'seed',
  optimizer: 'gd', learning_rate: 0.01, schedule: 'constant', decay: 0.01,
  reg_lambda: 0.01, batch_size: null, gradient: 'sum', momentum: 0,
};

/** Parse a number if it is one, else keep the text so the server can say why. */
function num(text) {
  const t = text.trim();
  if (t === '') return t;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** Parse a hidden-layer list: "8,8" -> [8, 8], "" -> []. */
export function parseHidden(text) {
  const t = String(text).trim();
  if (t === '' || t === '[]' || t === '-' || t === 'none') return [];
  const parts = t.replace(/^\[|\]$/g, '').split(/[\s,x]+/).filter((p) => p !== '');
  const out = parts.map((p) => Number(p));
  return out.every((n) => Number.isInteger(n)) ? out : t;
}

/** Parse one key's text value as the API wants it. */
export function parseValue(key, text) {
  if (key === 'hidden') return parseHidden(text);
  if (key === 'speed') {
    const t = String(text).trim();
    return t === 'max' ? 'max' : num(t);
  }
  if (NULLABLE.has(key)) {
    const t = String(text).trim();
    if (t === '' || t === 'null' || t === 'none') return null;
    return num(t);
  }
  if (NUMERIC.has(key)) return num(String(text));
  return String(text).trim();
}

/** location.hash -> {key: value} for the known keys only. */
export function parseHash(hash) {
  const out = {};
  const s = (hash || '').replace(/^#/, '');
  if (!s) return out;
  for (const part of s.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawVal = eq < 0 ? '' : part.slice(eq + 1);
    let key, val;
    try {
      key = decodeURIComponent(rawKey).replace(/-/g, '_');
      val = decodeURIComponent(rawVal.replace(/\+/g, ' '));
    } catch (_) {
      continue;
    }
    if (!HASH_KEYS.includes(key)) continue;
    out[key] = parseValue(key, val);
  }
  return out;
}

function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  }
  if (a === null || a === undefined) return b === null || b === undefined;
  return a === b;
}

/**
 * The default of `key` given the rest of `config`: some defaults follow
 * other keys (classes follow the data set, init the activation, ...).
 */
function effectiveDefault(key, config, defaults) {
  switch (key) {
    case 'classes':
      return config.dataset === 'spirals' || config.dataset === 'blobs' ? 3 : 2;
    case 'init':
      if (config.activation === 'tanh') return 'seed';
      if (config.activation === 'relu' || config.activation === 'leaky-relu') return 'he';
      return 'xavier';
    case 'decay':
      return config.schedule === 'step' ? 0.5 : 0.01;
    case 'gradient':
      return config.optimizer === 'gd' || config.optimizer === undefined ? 'sum' : 'mean';
    default:
      return defaults[key];
  }
}

function encodeValue(key, v) {
  if (key === 'hidden') return (v || []).join(',');
  return encodeURIComponent(String(v));
}

/** {config, speed, stop} -> "#key=value&..." with the non-default keys. */
export function toHash(config, run, defaults) {
  const d = { ...FALLBACK_DEFAULTS, ...(defaults || {}) };
  const parts = [];
  for (const key of CONFIG_KEYS) {
    if (!(key in config)) continue;
    const v = config[key];
    if (v === null || v === undefined) continue;
    if (key === 'dataset' && v === 'csv') continue; // an upload cannot be restored
    if (key === 'classes' && config.dataset !== 'spirals' && config.dataset !== 'blobs') continue;
    if (same(v, effectiveDefault(key, config, d))) continue;
    parts.push(key + '=' + encodeValue(key, v));
  }
  if (run) {
    if (run.speed !== undefined && run.speed !== null && String(run.speed) !== '1') {
      parts.push('speed=' + encodeValue('speed', run.speed));
    }
    if (run.stop !== undefined && run.stop !== null) parts.push('stop=' + encodeValue('stop', run.stop));
  }
  return parts.length ? '#' + parts.join('&') : '';
}

/** Replace the hash without a history entry or a hashchange event. */
export function writeHash(hash) {
  const url = location.pathname + location.search + hash;
  if (location.hash === hash || (hash === '' && location.hash === '')) return;
  history.replaceState(null, '', url);
}
