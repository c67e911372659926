// The bench's table: one row per figure, a column per tool, supd's figure as a ratio to the
// best peer (lower is better everywhere, so < 1 means supd wins), and issue 3's goal.
const MB = 2 ** 20;
const PEERS = ['supervisord', 'pm2'];
const COLUMNS = ['supd', ...PEERS];

function row(metric, unit, pick, tools, goal = null) {
  const values = {};
  for (const name of COLUMNS) {
    const tool = tools[name];
    values[name] = tool === undefined || tool.unavailable !== undefined ? null : (pick(tool) ?? null);
  }
  const peers = PEERS.map((p) => values[p]).filter((v) => v !== null);
  const best = peers.length === 0 ? null : Math.min(...peers);
  const ratio = values.supd === null || best === null || best === 0 ? null : values.supd / best;
  const met = goal === null || values.supd === null ? null : goal.test(values.supd, values);
  return { metric, unit, values, bestPeer: best, ratio, goal: goal?.text ?? null, met };
}

export function buildRows(tools, plan, floors) {
  const rows = [];
  const size = (n) => (tool) => tool.sizes?.[n];
  const atMost = (peer) => ({ text: `<= ${peer}`, test: (v, all) => all[peer] === null || v <= all[peer] });
  for (const n of plan.sizes) {
    const floor = floors?.minimal?.[n]?.rssBytes;
    const goal = n === 500 && floor !== undefined ? { text: `<= floor + 5 (${(floor / MB + 5).toFixed(0)})`, test: (v) => v <= floor / MB + 5 } : null;
    rows.push(row(`RSS, ${n} children, 1 s`, 'MB', (t) => size(n)(t)?.rssBytes / MB, tools, goal));
  }
  for (const n of plan.sizes) rows.push(row(`PSS, ${n} children, 1 s`, 'MB', (t) => size(n)(t)?.memory?.pss / MB, tools));
  for (const n of plan.sizes) rows.push(row(`anon, ${n} children, 1 s`, 'MB', (t) => size(n)(t)?.memory?.anon / MB, tools));
  for (const n of plan.idleSizes) {
    const after = `${n} ch., after ${(plan.idleSettleMs + plan.idleMs) / 1000} s idle`;
    const idleFloor = floors?.minimal?.[n]?.afterIdle?.rssBytes;
    const idleGoal = n === 500 && idleFloor !== undefined ? { text: `<= floor + 5 (${(idleFloor / MB + 5).toFixed(0)})`, test: (v) => v <= idleFloor / MB + 5 } : null;
    rows.push(row(`RSS, ${after}`, 'MB', (t) => size(n)(t)?.memoryAfterIdle?.rss / MB, tools, idleGoal));
    rows.push(row(`PSS, ${after}`, 'MB', (t) => size(n)(t)?.memoryAfterIdle?.pss / MB, tools));
    rows.push(row(`anon, ${after}`, 'MB', (t) => size(n)(t)?.memoryAfterIdle?.anon / MB, tools, atMost('supervisord')));
  }
  const [low, high] = [plan.idleSizes[0], plan.idleSizes[plan.idleSizes.length - 1]];
  const perChild = (t) => {
    const a = size(low)(t)?.memoryAfterIdle?.anon;
    const b = size(high)(t)?.memoryAfterIdle?.anon;
    return a === undefined || b === undefined ? undefined : (b - a) / (high - low) / 1024;
  };
  rows.push(row(`anon per child, ${low} -> ${high}, after idle`, 'KB', perChild, tools, { text: '<= 20 KB', test: (v) => v <= 20 }));
  for (const n of plan.sizes.filter((s) => s > 0)) {
    const limit = n === 200 ? 0.5 : n === 500 ? 1 : null;
    const goal = limit === null ? null : { text: `< ${limit} s`, test: (v) => v < limit };
    rows.push(row(`until ${n} running`, 's', (t) => size(n)(t)?.untilRunningMs / 1000, tools, goal));
  }
  rows.push(row('respawn p50', 'ms', (t) => t.respawn?.p50Ms, tools, { text: '< 5 ms', test: (v) => v < 5 }));
  rows.push(row('respawn p95', 'ms', (t) => t.respawn?.p95Ms, tools));
  for (const n of plan.statusSizes) {
    const node = floors?.nodeStartMs;
    const goal = n === 500 && node !== undefined ? { text: `<= node -e 0 + 25 (${(node + 25).toFixed(0)})`, test: (v) => v <= node + 25 } : null;
    rows.push(row(`status CLI, ${n} children`, 'ms', (t) => size(n)(t)?.status?.medianMs, tools, goal));
  }
  for (const n of plan.idleSizes) {
    rows.push(row(`idle CPU ${plan.idleMs / 1000} s, ${n} ch.`, 'CPU-s', (t) => size(n)(t)?.idleCpuSeconds, tools, n === 100 ? atMost('supervisord') : null));
  }
  return rows;
}

function formatValue(value, unit) {
  if (value === null || Number.isNaN(value)) return '-';
  if (unit === 's') return value.toFixed(3);
  if (unit === 'CPU-s') return value.toFixed(3);
  return value < 10 ? value.toFixed(1) : value.toFixed(0);
}

export function formatTable(rows, tools) {
  const header = ['figure', 'unit', ...COLUMNS, 'supd/best peer', 'goal', 'met'];
  const lines = rows.map((r) => [
    r.metric,
    r.unit,
    ...COLUMNS.map((c) => formatValue(r.values[c], r.unit)),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
    r.goal ?? '',
    r.met === null ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const versions = COLUMNS.map((c) => `${c} ${tools[c]?.version ?? tools[c]?.unavailable ?? 'not run'}`).join(', ');
  return [fmt(header), ...lines.map(fmt), '', versions].join('\n');
}

/** Node's own share beside supd's figure: what a minimal Node supervisor costs in the same run. */
export function formatFloors(floors, tools, plan) {
  const supd = tools.supd?.sizes;
  const ms = (v) => (v === undefined || v === null ? '-' : `${v.toFixed(1)} ms`);
  const s = (v) => (v === undefined || v === null ? '-' : `${(v / 1000).toFixed(3)} s`);
  const mb = (v) => (v === undefined || v === null ? '-' : `${(v / MB).toFixed(1)} MB`);
  const lines = [['floor (same run)', 'floor', 'supd'], ['node -e 0 (vs supd status CLI)', ms(floors.nodeStartMs), ms(supd?.[plan.statusSizes[0]]?.status?.medianMs)]];
  for (const n of plan.sizes) {
    const floor = floors.minimal[n];
    if (n > 0) lines.push([`Node spawn loop, ${n} children (vs until running)`, s(floor?.spawnMs), s(supd?.[n]?.untilRunningMs)]);
    lines.push([`minimal Node supervisor RSS, ${n} children, 1 s`, mb(floor?.rssBytes), mb(supd?.[n]?.rssBytes)]);
    lines.push([`minimal Node supervisor anon, ${n} children, 1 s`, mb(floor?.anonBytes), mb(supd?.[n]?.memory?.anon)]);
    if (floor?.afterIdle) {
      lines.push([`minimal Node supervisor RSS, ${n} children, after idle`, mb(floor.afterIdle.rssBytes), mb(supd?.[n]?.memoryAfterIdle?.rss)]);
      lines.push([`minimal Node supervisor anon, ${n} children, after idle`, mb(floor.afterIdle.anonBytes), mb(supd?.[n]?.memoryAfterIdle?.anon)]);
    }
  }
  lines.push(['Node restart-on-exit loop via setpriv, respawn p50', ms(floors.nodeLoop.p50Ms), ms(tools.supd?.respawn?.p50Ms)]);
  lines.push(['Node restart-on-exit loop, no setpriv, respawn p50', ms(floors.nodeLoopNoSetpriv.p50Ms), '']);
  lines.push(['bash restart loop, respawn p50', ms(floors.bashLoop.p50Ms), '']);
  const widths = [0, 1, 2].map((i) => Math.max(...lines.map((l) => l[i].length)));
  return lines.map((l) => `${l[0].padEnd(widths[0])}  ${l[1].padStart(widths[1])}  ${l[2].padStart(widths[2])}`.trimEnd()).join('\n');
}
