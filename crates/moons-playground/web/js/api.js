// Fetch helpers for the playground API, and the #status line.

export class ApiError extends Error {
  constructor(message, status, field) {
    super(message);
    this.status = status;
    this.field = field || null;
  }
}

let baseStatus = '';

function statusEl() {
  return document.getElementById('status');
}

/** The resting text of #status (e.g. "map not drawn: 5 features"). */
export function setBaseStatus(text) {
  baseStatus = text || '';
  const el = statusEl();
  if (el && !el.classList.contains('error')) el.textContent = baseStatus;
}

/** A transient note; `kind` is "error" or "info". */
export function showStatus(text, kind = 'info') {
  const el = statusEl();
  if (!el) return;
  el.textContent = text;
  el.classList.toggle('error', kind === 'error');
}

/** Back to the resting text after a successful action. */
export function clearStatus() {
  const el = statusEl();
  if (!el) return;
  el.classList.remove('error');
  el.textContent = baseStatus;
}

export function showError(err) {
  let text;
  if (err instanceof ApiError) {
    text = 'error: ' + err.message + (err.field ? ' (' + err.field + ')' : '');
  } else {
    text = 'error: ' + (err && err.message ? err.message : String(err));
  }
  showStatus(text, 'error');
}

/**
 * One request. `body` is JSON-encoded unless it is a string (sent as is with
 * `contentType`). Resolves to the parsed JSON (or null for 204); rejects with
 * an ApiError carrying the server's {"error","field"}.
 */
export async function api(method, path, body, { contentType, raw } = {}) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    if (typeof body === 'string') {
      init.body = body;
      init.headers['Content-Type'] = contentType || 'text/plain';
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError('cannot reach the server (' + e.message + ')', 0);
  }
  if (!res.ok) {
    let message = res.status + ' ' + res.statusText;
    let field = null;
    try {
      const text = await res.text();
      try {
        const j = JSON.parse(text);
        if (j && j.error) message = j.error;
        if (j && j.field) field = j.field;
      } catch (_) {
        if (text) message = text.slice(0, 200);
      }
    } catch (_) { /* keep the status line */ }
    throw new ApiError(message, res.status, field);
  }
  if (raw) return res;
  if (res.status === 204) return null;
  const text = await res.text();
  if (!text) return null;
  return JSON.parse(text);
}

/** Save a Blob as a file through a temporary link. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
