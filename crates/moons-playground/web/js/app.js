// moons playground: the page. Creates a session, keeps the controls, the
// hash and the server in step, and draws the frames the server pushes.

import { api, ApiError, saveBlob, showError, showStatus, clearStatus, setBaseStatus } from './api.js';
import { parseHash, toHash, writeHash, CONFIG_KEYS, FALLBACK_DEFAULTS } from './hash.js';
import { DATA_KEYS, fillControls, bindControls, setOptions, setPointClasses } from './controls.js';
import { classCount } from './colors.js';
import { MapView } from './map.js';
import { LossChart } from './chart.js';
import { drawNetwork } from './network.js';
import { UnitsView } from './units.js';
import { renderConfusion } from './confusion.js';

const TUTORIAL = {
  dataset: 'moons', samples: 200, noise: 0.2, seed: 0, test_fraction: 0, hidden: [3],
  activation: 'tanh', init: 'seed', optimizer: 'gd', learning_rate: 0.01, reg_lambda: 0.01,
  batch_size: null, gradient: 'sum', schedule: 'constant', momentum: 0,
};

const $ = (id) => document.getElementById(id);

const state = {
  id: null,
  session: null,
  defaults: { ...FALLBACK_DEFAULTS },
  data: null,
  playing: false,
  playingSince: 0, // frames received before this (ms) do not set the play button
  frame: null, // the latest frame not yet drawn
  drawn: null, // the latest frame drawn
  scheduled: false,
  stream: null,
};

window.playground = { sessionId: null, lastFrame: null };

const mapView = new MapView($('map'));
const chart = new LossChart($('chart'));
const units = new UnitsView($('units'), (canvas) => {
  mapView.setOverlay(canvas);
  schedule();
});

// ---- the session ------------------------------------------------------------

function sessionPath(suffix = '') {
  return `/api/sessions/${encodeURIComponent(state.id)}${suffix}`;
}

function applySession(session) {
  if (!session) return;
  const first = state.id !== session.id;
  state.session = session;
  state.id = session.id;
  window.playground.sessionId = session.id;
  document.body.dataset.session = session.id;
  if (typeof session.playing === 'boolean') setPlaying(session.playing);
  fillControls(session);
  setPointClasses(classCount(session.classes));
  updateHash();
  if (first) {
    $('export-csv').href = sessionPath('/history.csv');
    $('export-gif').href = sessionPath('/animation.gif');
    openStream();
  }
  if (session.drawable === false) setBaseStatus(`map not drawn: ${session.n_features} features`);
  else setBaseStatus('');
}

function updateHash() {
  const s = state.session;
  if (!s) return;
  writeHash(toHash(s.config || {}, { speed: s.speed, stop: s.stop }, state.defaults));
}

async function createSession(body) {
  try {
    return await api('POST', '/api/sessions', body);
  } catch (e) {
    if (e instanceof ApiError && e.status === 400 && Object.keys(body).length) {
      const session = await api('POST', '/api/sessions', {});
      showError(e); // after the fallback, so the reason stays visible
      return session;
    }
    throw e;
  }
}

/** The current config (and run settings), to start over if the session is gone. */
function currentBody() {
  const s = state.session;
  if (!s) return {};
  const body = {};
  for (const k of CONFIG_KEYS) if (s.config && k in s.config && !(k === 'dataset' && s.config[k] === 'csv')) body[k] = s.config[k];
  if (s.speed !== undefined) body.speed = s.speed;
  if (s.stop !== undefined) body.stop = s.stop;
  return body;
}

/**
 * A request on the session; when the server has dropped it (404) start a
 * new one with the same config and try once more.
 */
async function call(method, suffix, body, opts) {
  try {
    return await api(method, sessionPath(suffix), body, opts);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404 || !state.session) throw e;
    closeStream();
    const session = await api('POST', '/api/sessions', currentBody());
    state.id = null;
    applySession(session);
    await Promise.all([loadData(), loadHistory()]);
    return api(method, sessionPath(suffix), body, opts);
  }
}

async function patch(changes) {
  try {
    const session = await call('PATCH', '', changes);
    applySession(session);
    clearStatus();
    const keys = Object.keys(changes);
    if (session.reset) resetChart();
    if (keys.some((k) => DATA_KEYS.has(k))) await loadData();
  } catch (e) {
    showError(e);
    if (state.session) fillControls(state.session);
  }
}

async function loadData() {
  if (!state.id) return;
  try {
    const data = await call('GET', '/data');
    state.data = data;
    mapView.setData(data);
    const nFeatures = Array.isArray(data.features) ? data.features.length : data.features;
    if (data.drawable === false) {
      const n = nFeatures ?? (state.session && state.session.n_features);
      setBaseStatus(`map not drawn: ${n} features`);
      $('map').title = data.why_not || '';
      mapView.note = `map not drawn: ${n} features`;
    } else {
      setBaseStatus('');
      $('map').title = 'click: add a point, shift-click: remove the nearest';
    }
    if (data.classes) setPointClasses(classCount(data.classes));
    schedule();
  } catch (e) {
    showError(e);
  }
}

async function loadHistory() {
  if (!state.id) return;
  try {
    const history = await call('GET', '/history');
    if (Array.isArray(history)) chart.seed(history);
    schedule();
  } catch (e) {
    showError(e);
  }
}

function resetChart() {
  chart.clear();
  loadHistory();
}

// ---- frames -------------------------------------------------------------------

function closeStream() {
  if (state.stream) state.stream.close();
  state.stream = null;
}

function openStream() {
  closeStream();
  const es = new EventSource(sessionPath('/frames'));
  state.stream = es;
  const onFrame = (ev) => {
    let f;
    try {
      f = JSON.parse(ev.data);
    } catch (_) {
      return;
    }
    f.receivedAt = performance.now();
    window.playground.lastFrame = f;
    if (f.metrics) chart.add(f.metrics);
    state.frame = f;
    schedule();
  };
  es.addEventListener('frame', onFrame);
  es.onmessage = onFrame;
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED && state.stream === es) {
      showStatus('frame stream closed; reconnecting…', 'error');
      setTimeout(() => {
        if (state.stream === es) openStream();
      }, 2000);
    }
  };
  es.onopen = () => {
    const s = $('status');
    if (s.textContent.startsWith('frame stream closed')) clearStatus();
  };
}

function schedule() {
  if (state.scheduled) return;
  state.scheduled = true;
  requestAnimationFrame(render);
}

function render() {
  state.scheduled = false;
  const f = state.frame;
  state.frame = null;
  if (f) drawFrame(f);
  mapView.render();
  chart.render();
  if (f && document.body.dataset.ready !== '1') document.body.dataset.ready = '1';
}

function text(v) {
  return v === null || v === undefined ? '–' : String(v);
}

function pct(v) {
  return typeof v === 'number' ? (100 * v).toFixed(1) + '%' : '–';
}

function showMetrics(epoch, m) {
  if (typeof epoch === 'number') $('epoch').textContent = String(Math.trunc(epoch));
  $('train-loss').textContent = text(m && m.train_loss_text);
  $('test-loss').textContent = text(m && m.test_loss_text);
  $('train-acc').textContent = pct(m && m.train_accuracy);
  $('test-acc').textContent = pct(m && m.test_accuracy);
}

function drawFrame(f) {
  state.drawn = f;
  showMetrics(f.epoch, f.metrics);
  $('eps').textContent = typeof f.epochs_per_second === 'number' && f.playing
    ? `${Math.round(f.epochs_per_second)} epochs/s` : '';
  if (typeof f.playing === 'boolean' && f.receivedAt >= state.playingSince) setPlaying(f.playing);
  if ('map' in f) mapView.setMap(f.map);
  if (!f.map) {
    const n = state.session ? state.session.n_features : '?';
    mapView.note = `map not drawn: ${n} features`;
  }
  units.update(f.units);
  drawNetwork($('network'), f.weights || null, fallbackSizes());
  renderConfusion($('confusion'), f.confusion);
}

function fallbackSizes() {
  const s = state.session;
  if (!s) return null;
  const hidden = (s.config && Array.isArray(s.config.hidden)) ? s.config.hidden : [];
  const out = classCount(s.classes) > 2 ? classCount(s.classes) : 2;
  return [s.n_features || 2, ...hidden, out];
}

function setPlaying(on) {
  state.playing = on;
  const b = $('play');
  b.textContent = on ? 'Pause' : 'Play';
  b.classList.toggle('playing', on);
  b.setAttribute('aria-pressed', on ? 'true' : 'false');
}

// ---- controls -------------------------------------------------------------------

function bind() {
  bindControls((field, value) => patch({ [field.key]: value }));

  $('play').addEventListener('click', async () => {
    const want = !state.playing;
    const sentAt = performance.now();
    state.playingSince = Infinity; // no frame flips the button mid-request
    try {
      const session = await call('PATCH', '', { playing: want });
      state.playingSince = performance.now();
      applySession(session);
      if (typeof session.playing !== 'boolean') setPlaying(want);
      // A frame that overtook the answer and is further on (e.g. it
      // reached "stop at") knows better.
      const lf = window.playground.lastFrame;
      if (lf && lf.receivedAt >= sentAt && typeof lf.playing === 'boolean'
        && typeof lf.epoch === 'number' && lf.epoch > (session.epoch ?? Infinity)) {
        setPlaying(lf.playing);
      }
      clearStatus();
    } catch (e) {
      state.playingSince = performance.now();
      showError(e);
    }
  });

  $('step').addEventListener('click', async () => {
    try {
      const m = await call('POST', '/step', { epochs: 1 });
      if (m) {
        showMetrics(m.epoch, m);
        chart.add(m);
        schedule();
      }
      clearStatus();
    } catch (e) {
      showError(e);
    }
  });

  $('reset').addEventListener('click', async () => {
    try {
      const session = await call('POST', '/reset');
      applySession(session);
      resetChart();
      showMetrics(0, null);
      clearStatus();
    } catch (e) {
      showError(e);
    }
  });

  $('tutorial').addEventListener('click', () => patch({ ...TUTORIAL }));

  $('regenerate').addEventListener('click', () => {
    const seed = Math.floor(Math.random() * 4294967296);
    patch({ seed });
  });

  $('discretize').addEventListener('change', (e) => {
    mapView.setDiscretize(e.target.checked);
    schedule();
  });
  $('show-test').addEventListener('change', (e) => {
    mapView.setShowTest(e.target.checked);
    schedule();
  });

  $('csv-file').addEventListener('change', async (e) => {
    const input = e.target;
    const file = input.files && input.files[0];
    if (!file) return;
    try {
      const body = await file.text();
      const session = await call('PUT', '/data', body, { contentType: 'text/csv' });
      applySession(session);
      clearStatus();
      resetChart();
      await loadData();
    } catch (err) {
      showError(err);
    } finally {
      input.value = '';
    }
  });

  $('model-file').addEventListener('change', async (e) => {
    const input = e.target;
    const file = input.files && input.files[0];
    if (!file) return;
    try {
      const body = await file.text();
      const session = await call('PUT', '/model', body, { contentType: 'application/json' });
      applySession(session);
      clearStatus();
    } catch (err) {
      showError(err);
    } finally {
      input.value = '';
    }
  });

  $('download-model').addEventListener('click', async () => {
    try {
      const res = await call('GET', '/model', undefined, { raw: true });
      saveBlob(await res.blob(), 'moons-model.json');
      clearStatus();
    } catch (e) {
      showError(e);
    }
  });

  $('export-png').addEventListener('click', () => {
    mapView.render();
    $('map').toBlob((blob) => {
      if (blob) saveBlob(blob, 'moons-map.png');
      else showStatus('error: the map could not be exported', 'error');
    }, 'image/png');
  });

  $('map').addEventListener('click', async (e) => {
    if (!state.id || !state.data || state.data.drawable === false) return;
    const p = mapView.toData(e.clientX, e.clientY);
    if (!p) return;
    try {
      const session = e.shiftKey
        ? await call('POST', '/points/remove', { x: p.x, y: p.y })
        : await call('POST', '/points', { x: p.x, y: p.y, class: Number($('point-class').value) || 0 });
      applySession(session);
      if (session.reset) resetChart();
      clearStatus();
      await loadData();
    } catch (err) {
      showError(err);
    }
  });

  // A hash typed or pasted by hand: apply what differs.
  window.addEventListener('hashchange', () => {
    if (!state.session) return;
    const wanted = parseHash(location.hash);
    const s = state.session;
    const changes = {};
    for (const [k, v] of Object.entries(wanted)) {
      const cur = k === 'speed' || k === 'stop' ? s[k] : s.config[k];
      if (JSON.stringify(cur) !== JSON.stringify(v)) changes[k] = v;
    }
    if (Object.keys(changes).length) patch(changes);
  });

  window.addEventListener('resize', () => {
    chart.dirty = true;
    if (state.drawn) drawNetwork($('network'), state.drawn.weights || null, fallbackSizes());
    schedule();
  });
}

// ---- start ----------------------------------------------------------------------

async function start() {
  bind();
  showMetrics(0, null);
  mapView.render();
  const defaults = api('GET', '/api/defaults').then((d) => {
    if (d && d.config) state.defaults = { ...FALLBACK_DEFAULTS, ...d.config };
    if (d && d.allowed) setOptions(d.allowed);
  }).catch(() => { /* the built-in defaults will do */ });

  const body = parseHash(location.hash);
  try {
    const session = await createSession(body);
    await defaults;
    applySession(session);
    await Promise.all([loadData(), loadHistory()]);
  } catch (e) {
    await defaults;
    showError(e);
  }
}

start();
