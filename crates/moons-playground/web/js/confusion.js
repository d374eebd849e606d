// #confusion: the train (and test) confusion matrices in one table.

const MAX_CLASSES = 20;

export function renderConfusion(table, confusion) {
  const key = JSON.stringify(confusion || null);
  if (table.dataset.key === key) return;
  table.dataset.key = key;
  table.textContent = '';
  if (!confusion || !confusion.train) return;
  const k = confusion.train.length;
  if (k > MAX_CLASSES) {
    const row = table.insertRow();
    const th = document.createElement('th');
    th.textContent = `${k} classes: too many for a table`;
    row.appendChild(th);
    return;
  }
  const head = table.createTHead().insertRow();
  head.appendChild(th('true \\ predicted', 'corner'));
  for (let j = 0; j < k; j++) head.appendChild(th(String(j)));
  section(table, 'train', confusion.train, k);
  if (confusion.test) section(table, 'test', confusion.test, k);
}

function th(text, cls) {
  const e = document.createElement('th');
  e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function section(table, name, m, k) {
  const body = table.createTBody();
  body.className = name;
  const title = body.insertRow();
  const t = th(name, 'set');
  t.colSpan = k + 1;
  title.appendChild(t);
  m.forEach((row, i) => {
    const tr = body.insertRow();
    tr.appendChild(th(String(i)));
    const sum = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((n, j) => {
      const td = tr.insertCell();
      td.textContent = String(n);
      const a = n / sum;
      td.style.background = i === j
        ? `rgba(8,119,189,${(0.08 + 0.4 * a).toFixed(3)})`
        : n ? `rgba(245,147,34,${(0.08 + 0.5 * a).toFixed(3)})` : '';
    });
  });
}
