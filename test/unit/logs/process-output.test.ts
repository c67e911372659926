import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import type { OutputSpec } from '../../../src/config/types.js';
import { createProcessOutput } from '../../../src/logs/process-output.js';
import type { ChildHandle } from '../../../src/process/spawner.js';
import { parse, unitOf } from '../../helpers/config.js';
import { withTempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait-for.js';

// A child run by Node with the two pipes an output reads, and the holdExit an output registers.
function childOf(script: string): { child: ChildHandle; holds: Array<() => Promise<void>>; exited: Promise<void> } {
  const proc = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const holds: Array<() => Promise<void>> = [];
  const child = { pid: proc.pid!, stdout: proc.stdout, stderr: proc.stderr, holdExit: (wait: () => Promise<void>) => holds.push(wait) } as unknown as ChildHandle;
  const exited = new Promise<void>((resolve) => proc.once('close', () => resolve()));
  return { child, holds, exited };
}

// `web`'s unit with its logs in `dir` (more config lines after its command).
function webUnit(dir: string, more = ''): ReturnType<typeof unitOf> {
  return unitOf(parse(`[supervisor]\nlog_dir = "${dir}"\n[programs.web]\ncommand = "x"\n${more}`), 'web');
}

// Runs `script` with its pipes attached to `output`, until it ended and its exit hold settled.
async function runAttached(output: ReturnType<typeof createProcessOutput>, script: string): Promise<{ attached: ReturnType<ReturnType<typeof createProcessOutput>['attach']>; holds: number }> {
  const { child, holds, exited } = childOf(script);
  const attached = output.attach(child);
  await exited;
  await holds[0]!();
  return { attached, holds: holds.length };
}

test('stdout goes to its file; a discarded stderr is still read, its last line kept for a failed start', async () => {
  await withTempDir(async (temp) => {
    const unit = webUnit(temp.dir, 'stderr = false\n');
    const errors: string[] = [];
    const output = createProcessOutput(unit, 0, (message, name) => errors.push(`${name}: ${message}`));
    const { attached, holds } = await runAttached(output, 'echo one; echo two; echo first >&2; printf "cannot bind" >&2');
    assert.equal(holds, 1, 'the exit report waits for the output');
    assert.equal(readFileSync((unit.stdout as OutputSpec).file, 'utf8'), 'one\ntwo\n');
    assert.equal(attached.line, 'cannot bind');
    assert.deepEqual(errors, []);
    await output.close();
  });
});

test('merged: stderr lines are in the stdout file, in order, and the last of them is tracked from the stdout pipe', async () => {
  await withTempDir(async (temp) => {
    const unit = webUnit(temp.dir, 'stderr = "merge"\n');
    const output = createProcessOutput(unit, 0, () => undefined);
    // Node gives this child two pipes; supd's FIFOs make stderr the stdout pipe: `2>&1` here.
    const { attached } = await runAttached(output, 'exec 2>&1; echo out; echo err >&2');
    assert.equal(readFileSync((unit.stdout as OutputSpec).file, 'utf8'), 'out\nerr\n');
    assert.equal(attached.line, 'err');
    assert.equal(output.logOf('stderr'), output.logOf('stdout'), "stderr's log is stdout's");
    await output.close();
  });
});

test('a silent child: its file exists, empty, and no writer is made until something asks for it', async () => {
  await withTempDir(async (temp) => {
    const unit = webUnit(temp.dir);
    const output = createProcessOutput(unit, 0, () => undefined);
    const { attached } = await runAttached(output, 'true');
    assert.equal(readFileSync((unit.stdout as OutputSpec).file, 'utf8'), '');
    assert.equal(attached.line, null);
    const internals = output as unknown as { out: unknown; err: unknown };
    assert.deepEqual([internals.out, internals.err], [null, null], 'no RotatingFile for a stream that said nothing');
    await output.close();
  });
});

test('a reload moves the running pipes: the next output writes where its settings say', async () => {
  await withTempDir(async (temp) => {
    const first = webUnit(`${temp.dir}/a`);
    const second = webUnit(`${temp.dir}/b`);
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
  });
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
