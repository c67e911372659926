// The supd dashboard: status grouped by program and method, live over Server-Sent Events;
// actions through POST /api/<cmd> (the same requests as the CLI); logs, supd.log, the event feed
// and reports. Text from processes is only ever rendered as text (never as HTML).
import { html, render, useState, useEffect, useRef, useMemo } from './vendor/htm-preact.mjs';

const SIGNALS = ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGKILL', 'SIGCONT', 'SIGSTOP'];
const MAX_LOG_LINES = 5000;

async function act(cmd, body) {
  const res = await fetch(`/api/${cmd}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
  const data = await res.json().catch(() => ({ error: { message: `${res.status} ${res.statusText}` } }));
  if (!res.ok) throw Object.assign(new Error(data.error?.message ?? res.statusText), { issues: data.error?.issues ?? [] });
  return data;
}

function unitOf(p) {
  return p.method === null ? p.program : `${p.program}.${p.method}`;
}

function duration(s) {
  if (s === null || s === undefined) return '';
  if (s < 60) return `${Math.floor(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

function bytes(n) {
  if (n === null || n === undefined) return '';
  const units = ['B', 'K', 'M', 'G'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)}${units[i]}`;
}

function lastExit(p) {
  if (p.exit_signal !== null) return p.exit_signal;
  return p.exit_code === null ? '' : `exit ${p.exit_code}`;
}

function health(p) {
  return p.healthy === null ? '' : p.healthy ? 'healthy' : 'unhealthy';
}

function nextRun(p) {
  return p.next_run === null ? '' : new Date(p.next_run).toLocaleString();
}

function useLive() {
  const [status, setStatus] = useState(null);
  const [events, setEvents] = useState([]);
  const [connected, setConnected] = useState(false);
  const [receivedAt, setReceivedAt] = useState(Date.now());
  useEffect(() => {
    const source = new EventSource('/api/live');
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    source.addEventListener('status', (e) => { setStatus(JSON.parse(e.data)); setReceivedAt(Date.now()); });
    source.addEventListener('events', (e) => {
      const batch = JSON.parse(e.data);
      setEvents((list) => [...batch.reverse(), ...list].slice(0, 300));
    });
    return () => source.close();
  }, []);
  return { status, events, connected, receivedAt };
}

// Seconds since the last status, so uptime moves between updates.
function useTick(ms) {
  const [, set] = useState(0);
  useEffect(() => { const t = setInterval(() => set((n) => n + 1), ms); return () => clearInterval(t); }, [ms]);
}

function App() {
  const { status, events, connected, receivedAt } = useLive();
  const [notice, setNotice] = useState(null);
  const [logsOf, setLogsOf] = useState(null);
  useTick(1000);
  const run = async (label, cmd, body) => {
    setNotice({ text: `${label}…` });
    try {
      const result = await act(cmd, body);
      const lines = [...(result.lines ?? []), ...(result.warnings ?? []), ...(result.outcomes ?? []).map((o) => `${o.name}: ${o.state}${o.message ? ` (${o.message})` : ''}${o.note ? ` — ${o.note}` : ''}`)];
      setNotice({ text: `${label}: done${lines.length > 0 ? `\n${lines.join('\n')}` : ''}` });
      return result;
    } catch (error) {
      setNotice({ error: true, text: `${label}: ${error.message}${error.issues.length > 0 ? `\n${error.issues.map((i) => `${i.path ?? ''}: ${i.message}`).join('\n')}` : ''}` });
      return null;
    }
  };
  if (status === null) return html`<p class="loading">Connecting to supd…</p>`;
  const ageS = (Date.now() - receivedAt) / 1000;
  return html`
    <header>
      <h1>supd</h1>
      <span class="meta">${status.supervisor.config} · v${status.supervisor.version} · pid ${status.supervisor.pid} · up ${duration(status.supervisor.uptime_s + ageS)}</span>
      <button class="primary" aria-label="Reload the config" onClick=${() => run('reload', 'reload', {})}>Reload config</button>
      <span class="live" role="status">${connected ? 'live' : 'reconnecting…'}</span>
    </header>
    <main>
      <section aria-labelledby="processes-title">
        <h2 id="processes-title">Processes <span class="count">${status.processes.length}</span></h2>
        ${notice && html`<p class=${`notice${notice.error ? ' error' : ''}`} role="status" aria-live="polite" data-testid="notice">${notice.text}</p>`}
        <${Groups} processes=${status.processes} ageS=${ageS} run=${run} showLogs=${setLogsOf} />
      </section>
      ${logsOf && html`<${Logs} key=${logsOf} name=${logsOf} close=${() => setLogsOf(null)} />`}
      <div class="side">
        <${Feed} events=${events} />
        <${Reports} run=${run} />
        <${SupdLog} />
      </div>
    </main>`;
}

function Groups({ processes, ageS, run, showLogs }) {
  const groups = useMemo(() => {
    const map = new Map();
    for (const p of processes) {
      const unit = unitOf(p);
      if (!map.has(unit)) map.set(unit, []);
      map.get(unit).push(p);
    }
    return [...map.entries()];
  }, [processes]);
  return groups.map(([unit, list]) => html`<${Group} key=${unit} unit=${unit} list=${list} ageS=${ageS} run=${run} showLogs=${showLogs} />`);
}

function Group({ unit, list, ageS, run, showLogs }) {
  const [count, setCount] = useState(list.length);
  useEffect(() => setCount(list.length), [list.length]);
  const id = `scale-${unit.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  return html`
    <div class="group" data-unit=${unit}>
      <h3 class="group-bar">
        <span>${unit}</span>
        <button aria-label=${`Start ${unit}`} onClick=${() => run(`start ${unit}`, 'start', { targets: [unit] })}>Start all</button>
        <button aria-label=${`Stop ${unit}`} class="danger" onClick=${() => run(`stop ${unit}`, 'stop', { targets: [unit] })}>Stop all</button>
        <button aria-label=${`Restart ${unit}`} onClick=${() => run(`restart ${unit}`, 'restart', { targets: [unit] })}>Restart all</button>
        <label for=${id} class="muted">processes</label>
        <input id=${id} type="number" min="0" max="10000" value=${count} aria-label=${`Process count of ${unit}`} onInput=${(e) => setCount(e.currentTarget.value)} />
        <button aria-label=${`Scale ${unit}`} onClick=${() => run(`scale ${unit} ${count}`, 'scale', { unit, count: Number(count) })}>Scale</button>
      </h3>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">PID</th><th scope="col">Uptime</th><th scope="col">Restarts</th><th scope="col">Memory</th><th scope="col">Last exit</th><th scope="col">Health</th><th scope="col">Next run</th><th scope="col">Actions</th></tr></thead>
          <tbody>${list.map((p) => html`<${Row} key=${p.name} p=${p} ageS=${ageS} run=${run} showLogs=${showLogs} />`)}</tbody>
        </table>
      </div>
    </div>`;
}

function Row({ p, ageS, run, showLogs }) {
  const [signal, setSignal] = useState('SIGHUP');
  const uptime = p.uptime_s === null ? null : p.uptime_s + ageS;
  return html`
    <tr data-name=${p.name}>
      <th scope="row">${p.name}</th>
      <td data-label="State"><span class=${`state state-${p.state}`} data-testid="state" title=${p.reason ?? ''}>${p.state}</span></td>
      <td data-label="PID">${p.pid ?? ''}</td>
      <td data-label="Uptime">${duration(uptime)}</td>
      <td data-label="Restarts">${p.restarts}</td>
      <td data-label="Memory">${bytes(p.rss_bytes)}</td>
      <td data-label="Last exit">${lastExit(p)}</td>
      <td data-label="Health">${health(p)}</td>
      <td data-label="Next run">${nextRun(p)}</td>
      <td class="actions">
        <button aria-label=${`Start ${p.name}`} onClick=${() => run(`start ${p.name}`, 'start', { targets: [p.name] })}>Start</button>
        <button aria-label=${`Stop ${p.name}`} class="danger" onClick=${() => run(`stop ${p.name}`, 'stop', { targets: [p.name] })}>Stop</button>
        <button aria-label=${`Restart ${p.name}`} onClick=${() => run(`restart ${p.name}`, 'restart', { targets: [p.name] })}>Restart</button>
        <select aria-label=${`Signal for ${p.name}`} value=${signal} onChange=${(e) => setSignal(e.currentTarget.value)}>
          ${SIGNALS.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
        <button aria-label=${`Send ${signal} to ${p.name}`} onClick=${() => run(`signal ${signal} ${p.name}`, 'signal', { signal, targets: [p.name] })}>Send</button>
        <button aria-label=${`Logs ${p.name}`} onClick=${() => showLogs(p.name)}>Logs</button>
      </td>
    </tr>`;
}

function Logs({ name, close }) {
  const [stream, setStream] = useState('stdout');
  const [lines, setLines] = useState([]);
  const [paused, setPaused] = useState(false);
  const [search, setSearch] = useState('');
  const [problem, setProblem] = useState(null);
  const box = useRef(null);
  const held = useRef([]);
  const pausedRef = useRef(false);
  pausedRef.current = paused;
  useEffect(() => {
    setLines([]);
    held.current = [];
    const source = new EventSource(`/api/logs?name=${encodeURIComponent(name)}&stream=${stream}&lines=200`);
    let partial = '';
    source.addEventListener('message', (e) => {
      const frame = JSON.parse(e.data);
      if (frame.kind === 'start' && frame.missing.length > 0) setProblem(frame.missing.map((m) => `${m.name}: ${m.reason}`).join('; '));
      if (frame.kind !== 'text') return;
      const parts = (partial + frame.text).split('\n');
      partial = parts.pop();
      if (pausedRef.current) held.current.push(...parts);
      else setLines((old) => [...old, ...parts].slice(-MAX_LOG_LINES));
    });
    source.addEventListener('problem', (e) => setProblem(JSON.parse(e.data).message));
    return () => source.close();
  }, [name, stream]);
  useEffect(() => {
    if (!paused && held.current.length > 0) {
      const more = held.current;
      held.current = [];
      setLines((old) => [...old, ...more].slice(-MAX_LOG_LINES));
    }
  }, [paused]);
  useEffect(() => {
    if (!paused && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, paused]);
  const shown = search === '' ? lines : lines.filter((l) => l.toLowerCase().includes(search.toLowerCase()));
  return html`
    <section aria-labelledby="logs-title" data-testid="logs">
      <h2 id="logs-title">Logs of ${name} <span class="count">${stream}, ${shown.length} lines${paused ? ', paused' : ', following'}</span></h2>
      <div class="toolbar">
        <label>Stream <select aria-label=${`Stream of ${name}`} value=${stream} onChange=${(e) => setStream(e.currentTarget.value)}><option value="stdout">stdout</option><option value="stderr">stderr</option></select></label>
        <button aria-label=${paused ? `Resume logs of ${name}` : `Pause logs of ${name}`} aria-pressed=${paused} onClick=${() => setPaused(!paused)}>${paused ? 'Resume' : 'Pause'}</button>
        <input type="search" placeholder="Search" aria-label=${`Search logs of ${name}`} value=${search} onInput=${(e) => setSearch(e.currentTarget.value)} />
        <button aria-label=${`Close logs of ${name}`} onClick=${close}>Close</button>
      </div>
      ${problem && html`<p class="notice error">${problem}</p>`}
      <pre class="log" ref=${box} tabindex="0" aria-label=${`${stream} of ${name}`} data-testid="log-lines">${shown.map((l) => html`<${Line} text=${l} search=${search} />`)}</pre>
    </section>`;
}

function Line({ text, search }) {
  if (search === '') return html`${text}\n`;
  const at = text.toLowerCase().indexOf(search.toLowerCase());
  return html`${text.slice(0, at)}<mark>${text.slice(at, at + search.length)}</mark>${text.slice(at + search.length)}\n`;
}

function Feed({ events }) {
  return html`
    <section aria-labelledby="feed-title">
      <h2 id="feed-title">Events <span class="count">${events.length}</span></h2>
      <ul class="feed" data-testid="feed">
        ${events.map((e, i) => html`<li key=${i} class=${`ev-${e.kind}`}><time datetime=${e.at}>${new Date(e.at).toLocaleTimeString()}</time>${e.name ? `${e.name} ` : ''}${e.text}</li>`)}
      </ul>
    </section>`;
}

function Reports({ run }) {
  const [reports, setReports] = useState(null);
  const preview = async () => {
    const result = await run('report preview', 'report', {});
    if (result !== null) setReports(result.reports);
  };
  return html`
    <section aria-labelledby="reports-title">
      <h2 id="reports-title">Reports <button aria-label="Preview the status report" onClick=${preview}>Preview</button></h2>
      ${reports === null ? html`<p class="muted">What a report would say now.</p>` : reports.map((r) => html`
        <div key=${r.name}>
          <h3 class="group-bar">${r.name}
            ${r.name !== 'status' && html`<button aria-label=${`Send report ${r.name}`} onClick=${() => run(`send report ${r.name}`, 'report', { name: r.name, send: true })}>Send now</button>`}
          </h3>
          <pre class="report">${r.text}</pre>
        </div>`)}
    </section>`;
}

function SupdLog() {
  const [open, setOpen] = useState(false);
  const [lines, setLines] = useState([]);
  useEffect(() => {
    if (!open) return undefined;
    let stop = false;
    const load = async () => {
      const res = await fetch('/api/supd-log?lines=300', { credentials: 'same-origin' });
      if (res.ok && !stop) setLines((await res.json()).lines);
    };
    void load();
    const timer = setInterval(load, 3000);
    return () => { stop = true; clearInterval(timer); };
  }, [open]);
  return html`
    <section aria-labelledby="supdlog-title">
      <h2 id="supdlog-title">supd.log <button aria-label=${open ? 'Hide supd.log' : 'Show supd.log'} aria-expanded=${open} onClick=${() => setOpen(!open)}>${open ? 'Hide' : 'Show'}</button></h2>
      ${open && html`<pre class="log" tabindex="0" aria-label="supd.log" data-testid="supd-log">${lines.map((l) => `${l}\n`)}</pre>`}
    </section>`;
}

render(html`<${App} />`, document.getElementById('app'));
