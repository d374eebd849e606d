// #chart: train and test loss over the epochs.

const TRAIN = '#333';
const TEST = '#0877bd';

export class LossChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.clear();
  }

  clear() {
    this.epochs = [];
    this.train = [];
    this.test = [];
    this.dirty = true;
  }

  /** Seed from GET /history, keeping any later frames already appended. */
  seed(history) {
    const later = [];
    const last = history.length ? history[history.length - 1].epoch : -Infinity;
    for (let i = 0; i < this.epochs.length; i++) {
      if (this.epochs[i] > last) later.push({ epoch: this.epochs[i], train_loss: this.train[i], test_loss: this.test[i] });
    }
    this.clear();
    for (const m of history) this.add(m);
    for (const m of later) this.add(m);
  }

  /** Append one metrics object; an earlier epoch means the run restarted. */
  add(m) {
    if (!m || typeof m.epoch !== 'number') return;
    const n = this.epochs.length;
    if (n && m.epoch < this.epochs[n - 1]) this.clear();
    const k = this.epochs.length;
    if (k && m.epoch === this.epochs[k - 1]) {
      this.train[k - 1] = num(m.train_loss);
      this.test[k - 1] = num(m.test_loss);
    } else {
      this.epochs.push(m.epoch);
      this.train.push(num(m.train_loss));
      this.test.push(num(m.test_loss));
    }
    this.dirty = true;
  }

  render() {
    const c = this.canvas;
    const rect = c.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const W = Math.max(1, Math.round((rect.width || 300) * dpr));
    const H = Math.max(1, Math.round((rect.height || 120) * dpr));
    if (c.width !== W || c.height !== H) {
      c.width = W;
      c.height = H;
      this.dirty = true;
    }
    if (!this.dirty) return;
    this.dirty = false;
    const ctx = this.ctx;
    ctx.clearRect(0, 0, W, H);
    const pad = { l: 44 * dpr, r: 8 * dpr, t: 8 * dpr, b: 18 * dpr };
    const pw = W - pad.l - pad.r;
    const ph = H - pad.t - pad.b;
    const n = this.epochs.length;
    ctx.font = `${10 * dpr}px system-ui, sans-serif`;
    ctx.fillStyle = '#888';
    if (!n) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('no epochs yet', W / 2, H / 2);
      return;
    }
    let max = 0;
    for (let i = 0; i < n; i++) {
      if (this.train[i] !== null && this.train[i] > max) max = this.train[i];
      if (this.test[i] !== null && this.test[i] > max) max = this.test[i];
    }
    if (!(max > 0)) max = 1;
    const e0 = this.epochs[0];
    const e1 = Math.max(this.epochs[n - 1], e0 + 1);
    const xOf = (e) => pad.l + ((e - e0) / (e1 - e0)) * pw;
    const yOf = (v) => pad.t + ph - (v / max) * ph;

    // Axes and labels.
    ctx.strokeStyle = '#ddd';
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ctx.moveTo(pad.l, pad.t);
    ctx.lineTo(pad.l, pad.t + ph);
    ctx.lineTo(pad.l + pw, pad.t + ph);
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(fmt(max), pad.l - 4 * dpr, pad.t + 4 * dpr);
    ctx.fillText('0', pad.l - 4 * dpr, pad.t + ph);
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillText(String(e0), pad.l, pad.t + ph + 3 * dpr);
    ctx.textAlign = 'right';
    ctx.fillText(String(this.epochs[n - 1]), pad.l + pw, pad.t + ph + 3 * dpr);

    const stride = Math.max(1, Math.floor(n / (pw * 1.5)));
    const line = (values, colour) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5 * dpr;
      ctx.beginPath();
      let open = false;
      for (let i = 0; i < n; i += stride) {
        const v = values[i];
        if (v === null) {
          open = false;
          continue;
        }
        const x = xOf(this.epochs[i]);
        const y = yOf(v);
        if (open) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
        open = true;
      }
      // Always end on the latest point.
      const v = values[n - 1];
      if (v !== null && open) ctx.lineTo(xOf(this.epochs[n - 1]), yOf(v));
      ctx.stroke();
    };
    line(this.train, TRAIN);
    if (this.test.some((v) => v !== null)) line(this.test, TEST);
  }
}

function num(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function fmt(v) {
  if (v >= 100) return v.toFixed(0);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}
