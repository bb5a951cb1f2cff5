// The journal as a live stream, newest first: filter by operation, status class and key; each row
// opens to its redacted headers and timing. At most MAX_ROWS are kept on the page; older ones are
// read on demand.
import { useEffect, useState } from 'preact/hooks';
import { controlApi } from './control-api.js';
import { clockTime, shortId, span, statusClass, statusText } from './format.js';
import { html } from './html.js';
import { useLiveEvent } from './live-events.js';

/** @typedef {import('./control-api.js').Schemas['JournalEntry']} JournalEntry */

const PAGE = 100;
const MAX_ROWS = 500;
const OPERATIONS = ['createVideo', 'getJob', 'downloadJobMedia', 'listModels', 'webhook'];
const CLASSES = ['2xx', '4xx', '5xx', 'broken'];

/** @param {{ keys: string[], onSelectJob: (id: string) => void }} props */
export function RequestsStream({ keys, onSelectJob }) {
  const [operation, setOperation] = useState('');
  const [status, setStatus] = useState('');
  const [key, setKey] = useState('');
  const [live, setLive] = useState(true);
  const [rows, setRows] = useState(/** @type {JournalEntry[]} */ ([]));
  const [more, setMore] = useState(false);
  const [missed, setMissed] = useState(0);
  const [open, setOpen] = useState(/** @type {number | null} */ (null));
  const [error, setError] = useState(/** @type {string | null} */ (null));

  const filter = { operation, status, key };
  const load = () =>
    controlApi.journal({ ...filter, limit: PAGE }).then(
      (journal) => {
        setRows(journal.entries.slice().reverse());
        setMore(journal.entries.length === PAGE);
        setMissed(0);
        setError(null);
      },
      (/** @type {Error} */ failure) => setError(failure.message),
    );
  useEffect(() => void load(), [operation, status, key]);
  useLiveEvent('resync', load);

  const selected = (/** @type {JournalEntry} */ e) =>
    (operation === '' || e.operation === operation) && (status === '' || statusClass(e.status) === status) && (key === '' || e.key === key);
  useLiveEvent('requests', (/** @type {{ entries: JournalEntry[], skipped: number }} */ data) => {
    if (!live) return;
    const fresh = data.entries.filter(selected).reverse();
    if (data.skipped > 0) setMissed((n) => n + data.skipped);
    if (fresh.length === 0) return;
    setRows((previous) => {
      const next = [...fresh, ...previous];
      if (next.length > MAX_ROWS) setMore(true);
      return next.slice(0, MAX_ROWS);
    });
  });

  const loadOlder = () => {
    const oldest = rows[rows.length - 1];
    if (oldest === undefined) return;
    controlApi.journal({ ...filter, before: oldest.seq, limit: PAGE }).then((journal) => {
      setRows((previous) => [...previous, ...journal.entries.slice().reverse()]);
      setMore(journal.entries.length === PAGE);
    }, (/** @type {Error} */ failure) => setError(failure.message));
  };
  const onLive = (/** @type {boolean} */ on) => {
    setLive(on);
    if (on) void load();
  };

  return html`
    <section class="panel" id="requests" aria-labelledby="requests-title">
      <div class="panel-head">
        <h2 id="requests-title">Requests</h2>
        <div class="filters">
          <label>Operation
            <select value=${operation} onChange=${(/** @type {any} */ e) => setOperation(e.currentTarget.value)}>
              <option value="">every operation</option>
              ${OPERATIONS.map((name) => html`<option value=${name}>${name}</option>`)}
            </select>
          </label>
          <label>Status
            <select value=${status} onChange=${(/** @type {any} */ e) => setStatus(e.currentTarget.value)}>
              <option value="">every status</option>
              ${CLASSES.map((name) => html`<option value=${name}>${name === 'broken' ? 'broken socket' : name}</option>`)}
            </select>
          </label>
          <label>Key
            <select value=${key} onChange=${(/** @type {any} */ e) => setKey(e.currentTarget.value)}>
              <option value="">every key</option>
              ${keys.map((k) => html`<option value=${k}>${k}</option>`)}
            </select>
          </label>
          <label class="check"><input type="checkbox" checked=${live} onChange=${(/** @type {any} */ e) => onLive(e.currentTarget.checked)} /> Live</label>
        </div>
      </div>
      ${error !== null && html`<p class="error" role="alert">The journal could not be read: ${error}</p>`}
      ${missed > 0 &&
      html`<p class="note">${missed} requests came faster than the stream shows them.
        <button type="button" class="link" onClick=${load}>Read the journal again</button></p>`}
      <div class="table-wrap">
        <table class="requests">
          <caption class="visually-hidden">Requests the mock answered, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Request</th>
              <th scope="col">Answer</th>
              <th scope="col" class="num">Took</th>
              <th scope="col">Job</th>
              <th scope="col">Key</th>
              <th scope="col">Fault</th>
            </tr>
          </thead>
          <tbody>
            ${rows.length === 0 && html`<tr><td colspan="7" class="empty">No requests${operation || status || key ? ' match' : ' yet'}.</td></tr>`}
            ${rows.map(
              (entry) => html`<${RequestRow} key=${entry.seq} entry=${entry} open=${open === entry.seq} onToggle=${() => setOpen(open === entry.seq ? null : entry.seq)} onSelectJob=${onSelectJob} />`,
            )}
          </tbody>
        </table>
      </div>
      ${more && html`<div class="pager"><button type="button" onClick=${loadOlder}>Older requests</button></div>`}
    </section>
  `;
}

/** @param {{ entry: JournalEntry, open: boolean, onToggle: () => void, onSelectJob: (id: string) => void }} props */
function RequestRow({ entry, open, onToggle, onSelectJob }) {
  const detailsId = `request-${entry.seq}`;
  return html`
    <tr class=${open ? 'open' : ''}>
      <td class="mono">${clockTime(entry.time)}</td>
      <td class="request">
        <button type="button" class="link" aria-expanded=${open} aria-controls=${detailsId} onClick=${onToggle}>
          <span class="mono">${entry.method} ${entry.path}</span>
        </button>
        <span class="dim"> ${entry.operation ?? 'unknown route'}</span>
      </td>
      <td><span class=${`badge code-${statusClass(entry.status)}`}>${statusText(entry.status)}</span> ${entry.job_status ?? ''}</td>
      <td class="num">${span(entry.duration_ms)}</td>
      <td>${entry.job_id === null ? '' : html`<button type="button" class="link mono clip" onClick=${() => onSelectJob(/** @type {string} */ (entry.job_id))} aria-label=${`Open the timeline of ${entry.job_id}`} title=${entry.job_id}>${entry.job_id}</button>`}</td>
      <td class="mono" title=${entry.key ?? ''}>${entry.key === null ? '' : shortId(entry.key)}</td>
      <td>${entry.fault ?? ''}</td>
    </tr>
    ${open &&
    html`<tr class="details" id=${detailsId}>
      <td colspan="7">
        <dl class="facts">
          <div><dt>Request id</dt><dd class="mono">${entry.request_id}</dd></div>
          <div><dt>Journal seq</dt><dd>${entry.seq}</dd></div>
          <div><dt>Arrived</dt><dd>${new Date(entry.time).toISOString()}</dd></div>
          <div><dt>Answered in</dt><dd>${entry.duration_ms} ms (injected latency included)</dd></div>
          <div><dt>Credentials sent in</dt><dd>${entry.credentials.length === 0 ? 'none' : entry.credentials.join(', ')}</dd></div>
        </dl>
        <table class="headers">
          <caption>Request headers (Authorization, cookies and the admin token are never kept)</caption>
          <tbody>
            ${Object.entries(entry.headers).map(([name, value]) => html`<tr><th scope="row" class="mono">${name}</th><td class="mono">${value}</td></tr>`)}
          </tbody>
        </table>
      </td>
    </tr>`}
  `;
}
