// The dashboard: a client of the mock's control API and its event stream (openapi/mock-admin.yaml),
// nothing private. Each panel reads its own listing and applies the stream's events.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { controlApi, onTokenNeeded } from './control-api.js';
import { ControlsPanel } from './controls-panel.js';
import { connectEventStream } from './event-stream.js';
import { html } from './html.js';
import { JobTimeline } from './job-timeline.js';
import { JobsBoard } from './jobs-board.js';
import { useKeyList } from './key-list.js';
import { KeysPanel } from './keys-panel.js';
import { publishLiveEvent } from './live-events.js';
import { RequestsStream } from './requests-stream.js';
import { TokenDialog } from './token-dialog.js';

const STATE_TEXT = /** @type {Record<string, string>} */ ({
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  'needs-token': 'needs the admin token',
  closed: 'closed',
});

function App() {
  const [state, setState] = useState('connecting');
  const [health, setHealth] = useState(/** @type {import('./control-api.js').Schemas['Health'] | null} */ (null));
  const [needsToken, setNeedsToken] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [selectedJob, setSelectedJob] = useState(/** @type {string | null} */ (null));
  const keys = useKeyList();

  useEffect(() => onTokenNeeded(() => setNeedsToken(true)), []);
  useEffect(() => {
    controlApi.health().then(setHealth, () => undefined);
    const stream = connectEventStream({
      onEvent: publishLiveEvent,
      onState: (next) => {
        setState(next);
        if (next === 'needs-token') setNeedsToken(true);
      },
    });
    return () => stream.close();
  }, [generation]);

  const tokenSaved = () => {
    setNeedsToken(false);
    setGeneration((n) => n + 1);
    publishLiveEvent('resync', { reason: 'admin-token' });
  };
  const selectJob = (/** @type {string} */ id) => {
    setSelectedJob(id);
    requestAnimationFrame(() => document.getElementById('timeline')?.scrollIntoView({ block: 'nearest' }));
  };

  return html`
    <header class="top">
      <h1>aigw-video mock</h1>
      <p class="meta">
        ${health === null ? '' : `v${health.version}, ${health.timing} timing`}
        <span class=${`stream stream-${state}`} role="status">Events: ${STATE_TEXT[state] ?? state}</span>
      </p>
      <nav aria-label="Sections">
        <a href="#jobs">Jobs</a>
        <a href="#requests">Requests</a>
        <a href="#keys">Keys</a>
        <a href="#controls">Controls</a>
      </nav>
    </header>
    <main class="layout">
      <div class="main-column">
        <${JobsBoard} keys=${keys} selectedId=${selectedJob} onSelect=${selectJob} />
        ${selectedJob !== null && html`<${JobTimeline} jobId=${selectedJob} onClose=${() => setSelectedJob(null)} />`}
        <${RequestsStream} keys=${keys} onSelectJob=${selectJob} />
      </div>
      <div class="side-column">
        <${ControlsPanel} keys=${keys} />
        <${KeysPanel} />
      </div>
    </main>
    <${TokenDialog} open=${needsToken} onSaved=${tokenSaved} />
  `;
}

render(html`<${App} />`, /** @type {HTMLElement} */ (document.getElementById('app')));
