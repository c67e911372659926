#!/usr/bin/env node
// What reading memory costs for max_memory and status: one sweep over N processes, today's
// statm read (RSS, one small file each) against smaps_rollup (PSS: the kernel walks every
// mapping of the process). Run after `npm run build`:
//   node bench/memory-read.js [count=200] [kind=sleep|node]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readTreeMemory, readTreeRss } from '../dist/src/process/proc.js';

const count = Number(process.argv[2] ?? 200);
const kind = process.argv[3] ?? 'sleep';
const argv = kind === 'node' ? [process.execPath, '-e', 'setInterval(() => {}, 1e9)'] : ['sleep', '1000'];
const procs = Array.from({ length: count }, () => spawn(argv[0], argv.slice(1), { stdio: 'ignore' }));
const pids = procs.map((c) => c.pid);

// What supd read before: statm (RSS pages x an assumed 4096) of the process and each descendant.
const statm = (pid) => Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
const children = (pid) => {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(' ').map(Number);
};
const before = (pid) => {
  let total = statm(pid);
  const queue = children(pid);
  for (let i = 0; i < queue.length; i++) {
    total += statm(queue[i]);
    queue.push(...children(queue[i]));
  }
  return total;
};

function sweep(read) {
  const start = process.cpuUsage();
  const t = process.hrtime.bigint();
  for (const pid of pids) read(pid);
  const cpu = process.cpuUsage(start);
  return { wallMs: Number(process.hrtime.bigint() - t) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await new Promise((r) => setTimeout(r, kind === 'node' ? 3000 : 500));
const results = {};
const reads = [
  ['before: statm + children, page size 4096 assumed', before],
  ['readTreeRss: statm + children (max_memory under its limit)', (pid) => readTreeRss(pid)],
  ['readTreeMemory: smaps_rollup + children (status; max_memory past RSS)', (pid) => readTreeMemory(pid)],
];
for (const [name, read] of [...reads, ...reads.map(([n, r]) => [`${n}, again`, r])]) {
  const runs = Array.from({ length: 30 }, () => sweep(read));
  results[name] = { wallMs: median(runs.map((r) => r.wallMs)).toFixed(2), cpuMs: median(runs.map((r) => r.cpuMs)).toFixed(2) };
}
const rss = pids.reduce((n, pid) => n + statm(pid), 0);
console.log(JSON.stringify({ count, kind, meanRssMB: (rss / count / 1048576).toFixed(1), perSweep: results }, null, 1));
for (const c of procs) c.kill('SIGKILL');
