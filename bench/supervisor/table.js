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

export function buildRows(tools, plan) {
  const rows = [];
  const size = (n) => (tool) => tool.sizes?.[n];
  for (const n of plan.sizes) {
    const goal = n === 500 ? { text: '< 45 MB', test: (v) => v < 45 } : null;
    rows.push(row(`RSS, ${n} children, 1 s`, 'MB', (t) => size(n)(t)?.rssBytes / MB, tools, goal));
  }
  const rssGoal = plan.idleSize === 500 ? { text: '< 45 MB', test: (v) => v < 45 } : null;
  rows.push(row(`RSS, ${plan.idleSize} ch., after idle`, 'MB', (t) => size(plan.idleSize)(t)?.rssAfterIdleBytes / MB, tools, rssGoal));
  for (const n of plan.sizes.filter((s) => s > 0)) {
    const limit = n === 200 ? 0.5 : n === 500 ? 1 : null;
    const goal = limit === null ? null : { text: `< ${limit} s`, test: (v) => v < limit };
    rows.push(row(`until ${n} running`, 's', (t) => size(n)(t)?.untilRunningMs / 1000, tools, goal));
  }
  rows.push(row('respawn p50', 'ms', (t) => t.respawn?.p50Ms, tools, { text: '< 5 ms', test: (v) => v < 5 }));
  rows.push(row('respawn p95', 'ms', (t) => t.respawn?.p95Ms, tools));
  for (const n of plan.statusSizes) {
    rows.push(row(`status CLI, ${n} children`, 'ms', (t) => size(n)(t)?.status?.medianMs, tools, { text: '< 100 ms', test: (v) => v < 100 }));
  }
  const idleGoal = { text: '<= supervisord', test: (v, all) => all.supervisord === null || v <= all.supervisord };
  rows.push(row(`idle CPU ${plan.idleMs / 1000} s, ${plan.idleSize} ch.`, 'CPU-s', (t) => size(plan.idleSize)(t)?.idleCpuSeconds, tools, idleGoal));
  return rows;
}

function formatValue(value, unit) {
  if (value === null || Number.isNaN(value)) return '-';
  if (unit === 's') return value.toFixed(3);
  if (unit === 'CPU-s') return value.toFixed(2);
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
  }
  lines.push(['Node restart-on-exit loop via setpriv, respawn p50', ms(floors.nodeLoop.p50Ms), ms(tools.supd?.respawn?.p50Ms)]);
  lines.push(['Node restart-on-exit loop, no setpriv, respawn p50', ms(floors.nodeLoopNoSetpriv.p50Ms), '']);
  lines.push(['bash restart loop, respawn p50', ms(floors.bashLoop.p50Ms), '']);
  const widths = [0, 1, 2].map((i) => Math.max(...lines.map((l) => l[i].length)));
  return lines.map((l) => `${l[0].padEnd(widths[0])}  ${l[1].padStart(widths[1])}  ${l[2].padStart(widths[2])}`.trimEnd()).join('\n');
}
