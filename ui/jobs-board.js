// The jobs board: every job the mock holds, newest first, a page at a time, by status and key. Rows
// change the moment the stream says a job changed; the page and its counts are read again within a second.
import { useEffect, useState } from 'preact/hooks';
import { controlApi } from './control-api.js';
import { money, shortId, span } from './format.js';
import { html } from './html.js';
import { useLiveEvent } from './live-events.js';
import { noteServerNow, progressNow, serverNow } from './server-clock.js';
import { useSoon, useTicker } from './use-soon.js';

/** @typedef {import('./control-api.js').Schemas['JobSummary']} JobSummary */
/** @typedef {import('./control-api.js').Schemas['JobPage']} JobPage */

const PAGE_SIZE = 50;

/**
 * @param {{ keys: string[], selectedId: string | null, onSelect: (id: string) => void }} props
 */
export function JobsBoard({ keys, selectedId, onSelect }) {
  const [status, setStatus] = useState(/** @type {string | null} */ (null));
  const [key, setKey] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState(/** @type {JobPage | null} */ (null));
  const [error, setError] = useState(/** @type {string | null} */ (null));

  const load = () =>
    controlApi.jobs({ status, key: key === '' ? null : key, offset, limit: PAGE_SIZE }).then(
      (next) => {
        noteServerNow(next.now);
        setPage(next);
        setError(null);
      },
      (/** @type {Error} */ failure) => setError(failure.message),
    );
  const reloadSoon = useSoon(load, 1000);
  useEffect(() => void load(), [status, key, offset]);

  const matches = (/** @type {JobSummary} */ job) => (status === null || job.status === status) && (key === '' || job.key === key);
  useLiveEvent('jobs', (/** @type {{ now: number, jobs: JobSummary[], skipped: number }} */ data) => {
    noteServerNow(data.now);
    setPage((previous) => {
      if (previous === null) return previous;
      const changed = new Map(data.jobs.map((job) => [job.id, job]));
      let rows = previous.jobs.map((job) => changed.get(job.id) ?? job);
      if (offset === 0) {
        const shown = new Set(rows.map((job) => job.id));
        const fresh = data.jobs.filter((job) => !shown.has(job.id) && matches(job)).sort((a, b) => b.created - a.created);
        rows = [...fresh, ...rows];
      }
      return { ...previous, jobs: rows.filter(matches).slice(0, PAGE_SIZE) };
    });
    reloadSoon();
  });
  useLiveEvent('jobs-removed', (/** @type {{ ids: string[] }} */ data) => {
    const gone = new Set(data.ids);
    setPage((previous) => (previous === null ? previous : { ...previous, jobs: previous.jobs.filter((job) => !gone.has(job.id)) }));
    reloadSoon();
  });
  useLiveEvent('resync', load);

  const moving = page?.jobs.some((job) => job.progress_rate !== null) ?? false;
  useTicker(moving, 250);
  useTicker(true, 1000);

  const counts = page?.counts ?? {};
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const choose = (/** @type {string | null} */ next) => {
    setStatus(next);
    setOffset(0);
  };
  const now = serverNow();

  return html`
    <section class="panel" id="jobs" aria-labelledby="jobs-title">
      <div class="panel-head">
        <h2 id="jobs-title">Jobs</h2>
        <div class="filters">
          <div class="status-tabs" role="group" aria-label="Show jobs by status">
            <button type="button" aria-pressed=${status === null} onClick=${() => choose(null)}>All <span class="count">${total}</span></button>
            ${Object.entries(counts).map(
              ([name, n]) => html`<button type="button" class=${`status-${name}`} aria-pressed=${status === name} onClick=${() => choose(name)}>
                ${name} <span class="count">${n}</span>
              </button>`,
            )}
          </div>
          <label>
            Key
            <select value=${key} onChange=${(/** @type {any} */ e) => { setKey(e.currentTarget.value); setOffset(0); }}>
              <option value="">every key</option>
              ${keys.map((k) => html`<option value=${k}>${k}</option>`)}
            </select>
          </label>
        </div>
      </div>
      ${error !== null && html`<p class="error" role="alert">Jobs could not be read: ${error}</p>`}
      <div class="table-wrap">
        <table class="jobs">
          <caption class="visually-hidden">Jobs, newest first; choose a job to see its poll timeline</caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Model</th>
              <th scope="col" class="num">Video</th>
              <th scope="col" class="num">Cost</th>
              <th scope="col">Key</th>
              <th scope="col" class="num">Age</th>
            </tr>
          </thead>
          <tbody>
            ${page !== null && page.jobs.length === 0 &&
            html`<tr><td colspan="8" class="empty">No jobs${status === null ? '' : ` ${status}`} yet. Create one with POST /v1/videos/generations.</td></tr>`}
            ${page?.jobs.map((job) => html`<${JobRow} key=${job.id} job=${job} now=${now} selected=${job.id === selectedId} onSelect=${onSelect} />`)}
          </tbody>
        </table>
      </div>
      ${page !== null && html`<${Pager} offset=${offset} total=${page.total} onOffset=${setOffset} />`}
    </section>
  `;
}

/** @param {{ job: JobSummary, now: number, selected: boolean, onSelect: (id: string) => void }} props */
function JobRow({ job, now, selected, onSelect }) {
  const progress = progressNow(job);
  return html`
    <tr class=${selected ? 'selected' : ''} data-job-id=${job.id} data-status=${job.status} aria-current=${selected ? 'true' : undefined} onClick=${() => onSelect(job.id)}>
      <td><button type="button" class="link mono clip" onClick=${(/** @type {Event} */ e) => { e.stopPropagation(); onSelect(job.id); }} aria-label=${`Open the timeline of ${job.id}`} title=${job.id}>${job.id}</button></td>
      <td><span class=${`badge status-${job.status}`}>${job.status}</span></td>
      <td class="progress-cell">
        <progress max="100" value=${progress} aria-label=${`${job.id} progress`}></progress>
        <span class="num">${progress}%</span>
      </td>
      <td class="model">${job.model}</td>
      <td class="num">${job.duration} s</td>
      <td class="num">${money(job.cost_cents)}</td>
      <td class="mono" title=${job.key}>${shortId(job.key)}</td>
      <td class="num">${span(Math.max(0, now - job.created))}</td>
    </tr>
  `;
}

/** @param {{ offset: number, total: number, onOffset: (offset: number) => void }} props */
function Pager({ offset, total, onOffset }) {
  const last = Math.min(total, offset + PAGE_SIZE);
  return html`
    <nav class="pager" aria-label="Pages of jobs">
      <button type="button" disabled=${offset === 0} onClick=${() => onOffset(Math.max(0, offset - PAGE_SIZE))}>Newer</button>
      <span>${total === 0 ? 'none' : `${offset + 1}–${last} of ${total.toLocaleString('en')}`}</span>
      <button type="button" disabled=${last >= total} onClick=${() => onOffset(offset + PAGE_SIZE)}>Older</button>
    </nav>
  `;
}
