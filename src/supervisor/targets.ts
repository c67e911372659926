// Which processes a command's targets name: `all`, a program (`web`, `app`), a method
// (`app.mailer`), one process (`web:1`), or a glob over names (`app.*`, `web:[01]`,
// `{web,app}*`): the same globs as `watch` (src/watch/glob.ts); names hold no `/`.
import { compileGlob, hasGlob } from '../watch/glob.js';

export interface TargetableProcess {
  readonly name: string;
  readonly unit: string;
  readonly program: string;
}

export interface TargetMatch {
  readonly names: string[];
  readonly unmatched: string[];
}

export function matchTargets(targets: readonly string[], processes: readonly TargetableProcess[], units: readonly { name: string; program: string }[]): TargetMatch {
  const names = new Set<string>();
  const unmatched: string[] = [];
  for (const target of targets) {
    const hits = processes.filter((p) => matchesOne(target, p)).map((p) => p.name);
    // A unit scaled to 0 (or not yet started) is still a valid target.
    const namesUnit = units.some((u) => u.name === target || u.program === target || (hasGlob(target) && compileGlob(target).test(u.name)));
    if (hits.length === 0 && !namesUnit && target !== 'all') unmatched.push(target);
    for (const hit of hits) names.add(hit);
  }
  const order = new Map(processes.map((p, i) => [p.name, i]));
  return { names: [...names].sort((a, b) => order.get(a)! - order.get(b)!), unmatched };
}

function matchesOne(target: string, proc: TargetableProcess): boolean {
  if (target === 'all') return true;
  if (hasGlob(target)) {
    const pattern = compileGlob(target);
    return pattern.test(proc.name) || pattern.test(proc.unit);
  }
  return target === proc.name || target === proc.unit || target === proc.program;
}
