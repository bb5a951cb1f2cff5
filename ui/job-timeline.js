// One job's poll timeline: every request the journal holds for it on a time axis, the gap between
// polls, what each poll saw, faults, webhook attempts and their answers, and the video once done.
import { useEffect, useState } from 'preact/hooks';
import { controlApi } from './control-api.js';
import { clockTime, money, span, statusClass, statusText } from './format.js';
import { html } from './html.js';
import { useLiveEvent } from './live-events.js';
import { noteServerNow, progressNow, serverNow } from './server-clock.js';
import { useTicker } from './use-soon.js';

/** @typedef {import('./control-api.js').Schemas['JobSummary']} JobSummary */
/** @typedef {import('./control-api.js').Schemas['JournalEntry']} JournalEntry */

const OPERATION_LABELS = /** @type {Record<string, string>} */ ({
  createVideo: 'create',
  getJob: 'poll',
  downloadJobMedia: 'download',
  webhook: 'webhook',
});

/** @param {{ jobId: string, onClose: () => void }} props */
export function JobTimeline({ jobId, onClose }) {
  const [job, setJob] = useState(/** @type {JobSummary | null} */ (null));
  const [entries, setEntries] = useState(/** @type {JournalEntry[]} */ ([]));
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const [armed, setArmed] = useState(/** @type {string | null} */ (null));

  const load = () => {
    controlApi.job(jobId).then(
      (next) => {
        setJob(next);
        setError(null);
      },
      (/** @type {Error} */ failure) => setError(failure.message),
    );
    controlApi.journal({ job: jobId, limit: 1000 }).then((journal) => setEntries(journal.entries), () => undefined);
  };
  useEffect(() => {
    setJob(null);
    setEntries([]);
    setArmed(null);
    load();
  }, [jobId]);

  useLiveEvent('jobs', (/** @type {{ now: number, jobs: JobSummary[] }} */ data) => {
    const mine = data.jobs.find((j) => j.id === jobId);
    if (mine !== undefined) {
      noteServerNow(data.now);
      setJob(mine);
    }
  });
  useLiveEvent('requests', (/** @type {{ entries: JournalEntry[] }} */ data) => {
    const mine = data.entries.filter((e) => e.job_id === jobId);
    if (mine.length > 0) setEntries((previous) => [...previous, ...mine.filter((e) => !previous.some((p) => p.seq === e.seq))]);
  });
  useLiveEvent('jobs-removed', (/** @type {{ ids: string[] }} */ data) => {
    if (data.ids.includes(jobId)) setError('The mock no longer holds this job (expired, evicted or reset).');
  });
  useLiveEvent('resync', load);
  useTicker(job !== null && job.progress_rate !== null, 250);

  const breakNextPoll = async () => {
    if (job === null) return;
    try {
      const fault = await controlApi.armFault(job.key, { operation: 'getJob', status: 503, retry_after: 2, count: 1 });
      setArmed(`Armed ${fault.id}: the next poll by ${job.key} answers 503 with Retry-After 2.`);
    } catch (failure) {
      setArmed(`Not armed: ${/** @type {Error} */ (failure).message}`);
    }
  };

  return html`
    <section class="panel timeline" id="timeline" aria-labelledby="timeline-title">
      <div class="panel-head">
        <h2 id="timeline-title">Timeline of <span class="mono">${jobId}</span></h2>
        <button type="button" onClick=${onClose}>Close</button>
      </div>
      ${error !== null && html`<p class="error" role="alert">${error}</p>`}
      ${job !== null &&
      html`
        <${JobFacts} job=${job} />
        <div class="actions">
          <button type="button" class="danger" onClick=${breakNextPoll}>Fail the next poll with 503</button>
          <span role="status" class="note">${armed ?? ''}</span>
        </div>
        <${TimeAxis} job=${job} entries=${entries} />
        <${PollTable} job=${job} entries=${entries} />
        ${job.result !== null && html`<${ResultVideo} job=${job} />`}
      `}
    </section>
  `;
}

/** @param {{ job: JobSummary }} props */
function JobFacts({ job }) {
  return html`
    <dl class="facts">
      <div><dt>Status</dt><dd><span class=${`badge status-${job.status}`}>${job.status}</span> ${progressNow(job)}%</dd></div>
      <div><dt>Model</dt><dd>${job.model}</dd></div>
      <div><dt>Video</dt><dd>${job.duration} s, ${job.resolution}</dd></div>
      <div><dt>Cost</dt><dd>${money(job.cost_cents)}${job.refunded ? ' (refunded)' : ''}</dd></div>
      <div><dt>Key</dt><dd class="mono">${job.key}</dd></div>
      <div><dt>Created</dt><dd>${clockTime(job.created)} (${job.timing})</dd></div>
      <div><dt>Webhook</dt><dd>${job.webhook === null ? 'none' : `${job.webhook.url} (${job.webhook.delivered ? 'handed out' : 'pending'})`}</dd></div>
      ${job.error !== null && html`<div><dt>Error</dt><dd>${job.error.code}: ${job.error.message}</dd></div>`}
    </dl>
  `;
}

/**
 * The requests on a time axis from the job's creation: one mark per request (webhook attempts as
 * diamonds), coloured by the answer's class, and the moment the job ended.
 * @param {{ job: JobSummary, entries: JournalEntry[] }} props
 */
function TimeAxis({ job, entries }) {
  const ended = job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled';
  const last = Math.max(job.created + 1000, ...entries.map((e) => e.time), ended ? job.updated : serverNow());
  const width = 1000;
  const x = (/** @type {number} */ time) => 20 + ((time - job.created) / (last - job.created)) * (width - 40);
  const polls = entries.filter((e) => e.operation === 'getJob');
  const label = `${polls.length} poll${polls.length === 1 ? '' : 's'} over ${span(last - job.created)}${ended ? `; ${job.status} after ${span(job.updated - job.created)}` : ''}`;
  return html`
    <figure class="axis">
      <svg viewBox=${`0 0 ${width} 70`} role="img" aria-label=${`Time axis: ${label}`} preserveAspectRatio="none">
        <line x1="20" y1="35" x2=${width - 20} y2="35" class="axis-line" />
        ${ended && html`<line x1=${x(job.updated)} y1="8" x2=${x(job.updated)} y2="62" class=${`axis-end status-${job.status}`} />`}
        ${entries.map((entry) =>
          entry.operation === 'webhook'
            ? html`<rect x=${x(entry.time) - 6} y="29" width="12" height="12" transform=${`rotate(45 ${x(entry.time)} 35)`} class=${`mark mark-${statusClass(entry.status)}`}><title>${markTitle(entry, job)}</title></rect>`
            : html`<circle cx=${x(entry.time)} cy="35" r="7" class=${`mark mark-${statusClass(entry.status)}${entry.fault === null ? '' : ' mark-fault'}`}><title>${markTitle(entry, job)}</title></circle>`,
        )}
      </svg>
      <figcaption>
        <span>0 s</span><span>${label}</span><span>${span(last - job.created)}</span>
      </figcaption>
    </figure>
  `;
}

const markTitle = (/** @type {JournalEntry} */ entry, /** @type {JobSummary} */ job) =>
  `+${span(entry.time - job.created)} ${OPERATION_LABELS[entry.operation ?? ''] ?? entry.operation ?? entry.path} ${statusText(entry.status)}${entry.fault === null ? '' : ` (${entry.fault})`}`;

/** @param {{ job: JobSummary, entries: JournalEntry[] }} props */
function PollTable({ job, entries }) {
  if (entries.length === 0) return html`<p class="note">The journal holds no request for this job.</p>`;
  /** @type {number | null} */
  let previousPoll = null;
  return html`
    <div class="table-wrap">
      <table class="polls">
        <caption class="visually-hidden">Requests for ${job.id}, oldest first</caption>
        <thead>
          <tr>
            <th scope="col" class="num">At</th>
            <th scope="col" class="num">Gap</th>
            <th scope="col">Request</th>
            <th scope="col">Answer</th>
            <th scope="col">Job seen</th>
            <th scope="col">Fault</th>
            <th scope="col" class="num">Took</th>
          </tr>
        </thead>
        <tbody>
          ${entries.map((entry) => {
            const isPoll = entry.operation === 'getJob';
            const gap = isPoll && previousPoll !== null ? span(entry.time - previousPoll) : '';
            if (isPoll) previousPoll = entry.time;
            return html`
              <tr data-operation=${entry.operation ?? ''} data-status=${entry.status}>
                <td class="num">+${span(entry.time - job.created)}</td>
                <td class="num">${gap}</td>
                <td class="request">${OPERATION_LABELS[entry.operation ?? ''] ?? entry.operation ?? ''} <span class="mono dim">${entry.method} ${entry.path}</span></td>
                <td><span class=${`badge code-${statusClass(entry.status)}`}>${statusText(entry.status)}</span></td>
                <td>${entry.job_status ?? ''}</td>
                <td>${entry.fault ?? ''}</td>
                <td class="num">${span(entry.duration_ms)}</td>
              </tr>
            `;
          })}
        </tbody>
      </table>
    </div>
  `;
}

/** @param {{ job: JobSummary }} props */
function ResultVideo({ job }) {
  const result = /** @type {NonNullable<JobSummary['result']>} */ (job.result);
  return html`
    <figure class="video">
      <video controls muted preload="metadata" src=${result.url} aria-label=${`Result video of ${job.id}`}></video>
      <figcaption>Result: ${result.duration} s, ${result.resolution}. <a href=${result.url}>Download the MP4</a></figcaption>
    </figure>
  `;
}
