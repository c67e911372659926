// Which processes a command's targets name: `all`, a program (`web`, `app`), a method
// (`app.mailer`), one process (`web:1`), or a glob over names (`app.*`).

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
    const namesUnit = units.some((u) => u.name === target || u.program === target || (isGlob(target) && globToRegExp(target).test(u.name)));
    if (hits.length === 0 && !namesUnit && target !== 'all') unmatched.push(target);
    for (const hit of hits) names.add(hit);
  }
  const order = new Map(processes.map((p, i) => [p.name, i]));
  return { names: [...names].sort((a, b) => order.get(a)! - order.get(b)!), unmatched };
}

function matchesOne(target: string, proc: TargetableProcess): boolean {
  if (target === 'all') return true;
  if (isGlob(target)) {
    const pattern = globToRegExp(target);
    return pattern.test(proc.name) || pattern.test(proc.unit);
  }
  return target === proc.name || target === proc.unit || target === proc.program;
}

export function isGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
