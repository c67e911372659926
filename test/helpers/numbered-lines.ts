// Reading back what test/fixtures/bin/numbered.js wrote through supd: a log's whole set of
// files (rotated ones in order, gzipped or not, then the live one), each line checked whole,
// and per run (pid) which numbers came, how often and in what order; and the writer's own
// record of how far it had got, and when.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { classifyRotated } from '../../src/logs/rotated-files.js';

/** The filler length of line `seq` (the same formula as numbered.js). */
export function fillerLength(seq: number): number {
  return (seq * 7919) % 200;
}

/** A log's content in order: rotated files oldest first (as supd lists them), then the live file. */
export function readLogSet(file: string): Buffer {
  const names = existsSync(path.dirname(file)) ? readdirSync(path.dirname(file)) : [];
  const parts = classifyRotated(file, names).files.map((f) => (f.compressed ? gunzipSync(readFileSync(f.path)) : readFileSync(f.path)));
  if (existsSync(file)) parts.push(readFileSync(file));
  return Buffer.concat(parts);
}

export interface RunLines {
  /** Numbers seen, in file order, each once (duplicates counted apart). */
  count: number;
  first: number;
  last: number;
  /** Numbers that came lower than or equal to the one before (a repeat or a reordering). */
  outOfOrder: number;
  /** Numbers skipped between consecutive lines. */
  missing: number;
}

export interface LineCheck {
  readonly runs: Map<number, RunLines>;
  readonly lines: number;
  /** Lines that are not a whole numbered line (cut, glued to another, or foreign). */
  readonly broken: string[];
}

export function checkNumberedLines(content: Buffer | string): LineCheck {
  const runs = new Map<number, RunLines>();
  const broken: string[] = [];
  let lines = 0;
  for (const line of content.toString('latin1').split('\n')) {
    if (line === '') continue;
    lines++;
    const m = /^(\S+) (\d+) (\d+) (x*)$/.exec(line);
    if (m === null || m[4]!.length !== fillerLength(Number(m[3]))) {
      broken.push(line.length > 120 ? `${line.slice(0, 120)}...` : line);
      continue;
    }
    const pid = Number(m[2]);
    const seq = Number(m[3]);
    const run = runs.get(pid);
    if (run === undefined) {
      runs.set(pid, { count: 1, first: seq, last: seq, outOfOrder: 0, missing: seq - 1 });
      continue;
    }
    run.count++;
    if (seq <= run.last) run.outOfOrder++;
    else {
      run.missing += seq - run.last - 1;
      run.last = seq;
    }
  }
  return { runs, lines, broken };
}

export interface Progress {
  /** [seq, ms]: every line up to seq was written (into the pipe) by ms. */
  readonly marks: Array<[number, number]>;
  /** The last number, when the writer ended on SIGTERM (also the last mark). */
  end: number | null;
}

export function readProgress(file: string): Map<number, Progress> {
  const runs = new Map<number, Progress>();
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  for (const line of text.split('\n')) {
    const [pid, a, b, c] = line.split(' ');
    if (a === undefined || b === undefined) continue;
    const run = runs.get(Number(pid)) ?? { marks: [], end: null };
    runs.set(Number(pid), run);
    if (a !== 'end') run.marks.push([Number(a), Number(b)]);
    else {
      run.end = Number(b);
      run.marks.push([Number(b), Number(c)]);
    }
  }
  return runs;
}
