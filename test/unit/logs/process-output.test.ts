import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { OutputSpec } from '../../../src/config/types.js';
import { createProcessOutput } from '../../../src/logs/process-output.js';
import type { ChildHandle } from '../../../src/process/spawner.js';
import { parse, unitOf } from '../../helpers/config.js';
import { makeTempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait-for.js';

// A child run by Node with the two pipes an output reads, and the holdExit an output registers.
function childOf(script: string): { child: ChildHandle; holds: Array<() => Promise<void>>; exited: Promise<void> } {
  const proc = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const holds: Array<() => Promise<void>> = [];
  const child = { pid: proc.pid!, stdout: proc.stdout, stderr: proc.stderr, holdExit: (wait: () => Promise<void>) => holds.push(wait) } as unknown as ChildHandle;
  const exited = new Promise<void>((resolve) => proc.once('close', () => resolve()));
  return { child, holds, exited };
}

test('stdout goes to its file; a discarded stderr is still read, its last line kept for a failed start', async () => {
  const temp = makeTempDir();
  try {
    const unit = unitOf(parse(`[supervisor]\nlog_dir = "${temp.dir}"\n[programs.web]\ncommand = "x"\nstderr = false\n`), 'web');
    const errors: string[] = [];
    const output = createProcessOutput(unit, 0, (message, name) => errors.push(`${name}: ${message}`));
    const { child, holds, exited } = childOf('echo one; echo two; echo first >&2; printf "cannot bind" >&2');
    const attached = output.attach(child);
    assert.equal(holds.length, 1, 'the exit report waits for the output');
    await exited;
    await holds[0]!();
    assert.equal(readFileSync((unit.stdout as OutputSpec).file, 'utf8'), 'one\ntwo\n');
    assert.equal(attached.line, 'cannot bind');
    assert.deepEqual(errors, []);
    await output.close();
  } finally {
    temp.remove();
  }
});

test('merged: stderr lines are in the stdout file, in order, and the last of them is tracked from the stdout pipe', async () => {
  const temp = makeTempDir();
  try {
    const unit = unitOf(parse(`[supervisor]\nlog_dir = "${temp.dir}"\n[programs.web]\ncommand = "x"\nstderr = "merge"\n`), 'web');
    const output = createProcessOutput(unit, 0, () => undefined);
    // Node gives this child two pipes; supd's FIFOs make stderr the stdout pipe: `2>&1` here.
    const { child, holds, exited } = childOf('exec 2>&1; echo out; echo err >&2');
    const attached = output.attach(child);
    await exited;
    await holds[0]!();
    assert.equal(readFileSync((unit.stdout as OutputSpec).file, 'utf8'), 'out\nerr\n');
    assert.equal(attached.line, 'err');
    assert.equal(output.logOf('stderr'), output.logOf('stdout'), "stderr's log is stdout's");
    await output.close();
  } finally {
    temp.remove();
  }
});

test('a silent child: its file exists, empty, and no writer is made until something asks for it', async () => {
  const temp = makeTempDir();
  try {
    const unit = unitOf(parse(`[supervisor]\nlog_dir = "${temp.dir}"\n[programs.web]\ncommand = "x"\n`), 'web');
    const output = createProcessOutput(unit, 0, () => undefined);
    const { child, holds, exited } = childOf('true');
    const attached = output.attach(child);
    await exited;
    await holds[0]!();
    assert.equal(readFileSync((unit.stdout as OutputSpec).file, 'utf8'), '');
    assert.equal(attached.line, null);
    const internals = output as unknown as { out: unknown; err: unknown };
    assert.deepEqual([internals.out, internals.err], [null, null], 'no RotatingFile for a stream that said nothing');
    await output.close();
  } finally {
    temp.remove();
  }
});

test('a reload moves the running pipes: the next output writes where its settings say', async () => {
  const temp = makeTempDir();
  try {
    const first = unitOf(parse(`[supervisor]\nlog_dir = "${temp.dir}/a"\n[programs.web]\ncommand = "x"\n`), 'web');
    const second = unitOf(parse(`[supervisor]\nlog_dir = "${temp.dir}/b"\n[programs.web]\ncommand = "x"\n`), 'web');
    const before = createProcessOutput(first, 0, () => undefined);
    const after = createProcessOutput(second, 0, () => undefined);
    const gate = `${temp.dir}/gate`;
    const { child, holds, exited } = childOf(`echo early; while [ ! -e ${gate} ]; do sleep 0.02; done; echo late`);
    before.attach(child);
    await waitForText((first.stdout as OutputSpec).file, 'early\n');
    after.adopt(before.detach()!);
    await before.close();
    writeFileSync(gate, '');
    await exited;
    await holds[0]!();
    assert.equal(readFileSync((first.stdout as OutputSpec).file, 'utf8'), 'early\n');
    assert.equal(readFileSync((second.stdout as OutputSpec).file, 'utf8'), 'late\n');
    await after.close();
  } finally {
    temp.remove();
  }
});

async function waitForText(file: string, text: string): Promise<void> {
  await waitFor(() => {
    try {
      return readFileSync(file, 'utf8') === text;
    } catch {
      return false;
    }
  }, { what: `${file} to hold ${JSON.stringify(text)}` });
}
