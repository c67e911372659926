// depends_on between programs: who waits for whom, and in which order things stop.
// Pure graph helpers; the supervisor applies them.

/** Program -> the programs it depends on. */
export type DependencyGraph = ReadonlyMap<string, readonly string[]>;

export function buildGraph(units: Iterable<{ program: string; dependsOn: readonly string[] }>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const unit of units) {
    const deps = graph.get(unit.program) ?? [];
    for (const dep of unit.dependsOn) if (!deps.includes(dep)) deps.push(dep);
    graph.set(unit.program, deps);
  }
  return graph;
}

/** Every program that `program` depends on, directly or not. */
export function dependenciesOf(graph: DependencyGraph, program: string): string[] {
  return walk(program, (p) => graph.get(p) ?? []);
}

/** Every program that depends on `program`, directly or not. */
export function dependentsOf(graph: DependencyGraph, program: string): string[] {
  return walk(program, (p) => [...graph.entries()].filter(([, deps]) => deps.includes(p)).map(([name]) => name));
}

function walk(start: string, next: (node: string) => readonly string[]): string[] {
  const seen = new Set<string>();
  const queue = [...next(start)];
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (seen.has(node) || node === start) continue;
    seen.add(node);
    queue.push(...next(node));
  }
  return [...seen];
}

/**
 * Runs `stopProgram` for every program in `programs`, each only after every program of the
 * set that depends on it has stopped; unrelated programs stop in parallel.
 */
export function stopInOrder(graph: DependencyGraph, programs: readonly string[], stopProgram: (program: string) => Promise<void>): Promise<void> {
  const inSet = new Set(programs);
  const done = new Map<string, Promise<void>>();
  const stop = (program: string, path: readonly string[]): Promise<void> => {
    const existing = done.get(program);
    if (existing !== undefined) return existing;
    const dependents = [...graph.entries()].filter(([name, deps]) => inSet.has(name) && deps.includes(program) && !path.includes(name)).map(([name]) => name);
    const promise = Promise.all(dependents.map((d) => stop(d, [...path, program]))).then(() => stopProgram(program));
    done.set(program, promise);
    return promise;
  };
  return Promise.all(programs.map((p) => stop(p, []))).then(() => undefined);
}
