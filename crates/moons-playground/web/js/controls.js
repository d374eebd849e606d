// The configuration controls: fill them from a session, read them back.

import { parseValue } from './hash.js';

/** Every config control: API key, element id, whether it changes the data. */
export const FIELDS = [
  { key: 'dataset', id: 'dataset', data: true },
  { key: 'samples', id: 'samples', data: true },
  { key: 'noise', id: 'noise', data: true },
  { key: 'classes', id: 'classes', data: true },
  { key: 'seed', id: 'seed', data: true },
  { key: 'test_fraction', id: 'test-fraction', data: true },
  { key: 'hidden', id: 'hidden' },
  { key: 'activation', id: 'activation' },
  { key: 'init', id: 'init' },
  { key: 'optimizer', id: 'optimizer' },
  { key: 'learning_rate', id: 'learning-rate' },
  { key: 'schedule', id: 'schedule' },
  { key: 'decay', id: 'decay' },
  { key: 'reg_lambda', id: 'reg-lambda' },
  { key: 'batch_size', id: 'batch-size' },
  { key: 'gradient', id: 'gradient' },
  { key: 'momentum', id: 'momentum' },
  { key: 'speed', id: 'speed', run: true },
  { key: 'stop', id: 'stop', run: true },
];

export const DATA_KEYS = new Set(FIELDS.filter((f) => f.data).map((f) => f.key));

/** Keys where an empty field means something (none / null). */
const EMPTY_OK = new Set(['hidden', 'batch_size', 'stop']);

const el = (id) => document.getElementById(id);

function show(key, v) {
  if (v === null || v === undefined) return '';
  if (key === 'hidden') return Array.isArray(v) ? v.join(',') : String(v);
  return String(v);
}

/** Make sure a <select> can show `value` (e.g. speed 5 from a hash). */
function ensureOption(select, value) {
  if (value === '' || [...select.options].some((o) => o.value === value)) return;
  const o = document.createElement('option');
  o.value = value;
  o.textContent = value;
  select.appendChild(o);
}

/** Fill every control from a session ({config, speed, stop}). */
export function fillControls(session) {
  const config = session.config || {};
  for (const f of FIELDS) {
    const node = el(f.id);
    if (!node) continue;
    const v = f.run ? session[f.key] : config[f.key];
    if (!f.run && !(f.key in config)) continue;
    const text = show(f.key, v);
    if (node.tagName === 'SELECT') ensureOption(node, text);
    // Leave alone a focused field whose text the user has changed since.
    const typing = document.activeElement === node && node.tagName === 'INPUT'
      && node.value !== node.dataset.committed;
    if (!typing) node.value = text;
    node.dataset.committed = text;
    // An emptied field shows the value still in force.
    if (node.tagName === 'INPUT' && !EMPTY_OK.has(f.key)) node.placeholder = text;
  }
  // The csv choice only exists once a file is loaded.
  const csv = el('dataset') && el('dataset').querySelector('option[value="csv"]');
  if (csv) {
    const on = config.dataset === 'csv';
    csv.hidden = !on;
    csv.disabled = !on;
  }
  // Dim the settings that do nothing with the rest of the config.
  const inactive = {
    classes: !(config.dataset === 'spirals' || config.dataset === 'blobs'),
    momentum: config.optimizer !== 'sgd',
    decay: config.schedule === 'constant',
  };
  for (const f of FIELDS) {
    const node = el(f.id);
    const row = node && node.closest('.row');
    if (row) row.classList.toggle('inactive', !!inactive[f.key]);
  }
}

/** The current value of one control, parsed for the API. */
export function readControl(field) {
  return parseValue(field.key, el(field.id).value);
}

/** Put the selects' options from /api/defaults "allowed" (arrays only). */
export function setOptions(allowed) {
  if (!allowed) return;
  for (const f of FIELDS) {
    const node = el(f.id);
    const values = allowed[f.key];
    if (!node || node.tagName !== 'SELECT' || !Array.isArray(values) || f.run) continue;
    if (!values.every((v) => typeof v === 'string')) continue;
    const current = node.value;
    const labels = new Map([...node.options].map((o) => [o.value, o.textContent]));
    node.textContent = '';
    for (const v of values) {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = labels.get(v) || v;
      node.appendChild(o);
    }
    if (f.key === 'dataset' && !values.includes('csv')) {
      const o = document.createElement('option');
      o.value = 'csv';
      o.textContent = 'csv (uploaded)';
      node.appendChild(o);
    }
    node.value = current;
  }
}

/**
 * Call `onChange(field, value)` when a control is committed: a select's
 * change, or a text input's change / Enter. Unchanged values are skipped.
 */
export function bindControls(onChange) {
  for (const f of FIELDS) {
    const node = el(f.id);
    if (!node) continue;
    const commit = () => {
      if (node.value === node.dataset.committed) return;
      // An emptied field that needs a value: wait for the user to type one.
      if (node.value.trim() === '' && !EMPTY_OK.has(f.key)) return;
      node.dataset.committed = node.value;
      onChange(f, readControl(f));
    };
    node.addEventListener('change', commit);
    if (node.tagName === 'INPUT') {

      node.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') {
          e.preventDefault();
          node.value = node.dataset.committed || '';
          node.blur();
        }
      });
    }
  }
}

/** #point-class: one option per class. */
export function setPointClasses(k) {
  const sel = el('point-class');
  if (!sel) return;
  const n = Math.max(1, Math.min(1000, k | 0));
  if (sel.options.length === n) return;
  const current = sel.value;
  sel.textContent = '';
  for (let c = 0; c < n; c++) {
    const o = document.createElement('option');
    o.value = String(c);
    o.textContent = 'class ' + c;
    sel.appendChild(o);
  }
  sel.value = Number(current) < n ? current : '0';
}
