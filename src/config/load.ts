// The config pipeline: read -> TOML -> ${VAR} -> schema -> normalize -> cross-checks -> frozen
// SupdConfig. Every problem is collected and thrown at once, each naming its place.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SupdError, type ConfigIssue } from '../errors.js';
import { checkRawDependencies, crossCheck, unitPath } from './checks.js';
import { expandVariables } from './expand.js';
import { checkLimitsAllowed, readHostLimits, type HostLimits } from './host-limits.js';
import { normalizeConfig, type KeyProblem } from './normalize.js';
import { parseToml, type KeyIndex } from './toml.js';
import { transientModules } from './transient-require.js';
import type { SupdConfig } from './types.js';
import { validateAgainstSchema } from './validate.js';

export interface LoadOptions {
  /** Where `${VAR}` values come from; default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How errors name the file; default: the path as given. */
  readonly displayName?: string;
  /** What the host allows (limits, nice, oom_score_adj); default: read from /proc for supd itself. */
  readonly hostLimits?: HostLimits;
}

export function loadConfig(file: string, options: LoadOptions = {}): SupdConfig {
  const display = options.displayName ?? file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    const issue = { file: display, message: `cannot read the config file: ${reason}` };
    throw new SupdError('SUPD_E_CONFIG_UNREADABLE', `${display}: cannot read the config file: ${reason}`, { cause: error, issues: [issue] });
  }
  return parseConfigText(text, path.resolve(file), { ...options, displayName: display });
}

/** The config in `text`; the parsers it needs are let go once it is done (transient-require.ts). */
export function parseConfigText(text: string, absoluteFile: string, options: LoadOptions = {}): SupdConfig {
  return transientModules(() => parseAndCheck(text, absoluteFile, options));
}

function parseAndCheck(text: string, absoluteFile: string, options: LoadOptions): SupdConfig {
  const display = options.displayName ?? absoluteFile;
  const parsed = parseToml(text, display);
  if (!parsed.ok) throw invalid([parsed.issue]);
  const expanded = expandVariables(parsed.data, options.env ?? process.env);
  const problems: KeyProblem[] = [...expanded.problems];
  const schemaProblems = validateAgainstSchema(expanded.data);
  problems.push(...schemaProblems);
  if (schemaProblems.length > 0) throw invalid(locate([...problems, ...checkRawDependencies(expanded.data)], display, parsed.index));
  const raw = expanded.data as Record<string, never>;
  const { config, problems: normalizeProblems } = normalizeConfig(raw, {
    file: absoluteFile,
    readTextFile: (f) => readFileSync(f, 'utf8'),
  });
  // SPEC: nothing is accepted and then ignored. A key added to the schema before its behaviour
  // is built must be refused here (`programs.web.watch: not supported yet`, exit 2 from check,
  // run and reload), so `ok` always means "supd will do all of this". Every key is built now.
  problems.push(...normalizeProblems, ...crossCheck(config));
  const limited = config.units.filter((u) => u.limits !== null || u.nice !== null || u.oomScoreAdj !== null);
  if (limited.length > 0) problems.push(...checkLimitsAllowed(limited, options.hostLimits ?? readHostLimits(), unitPath));
  if (problems.length > 0) throw invalid(locate(problems, display, parsed.index));
  return config;
}

function locate(problems: readonly KeyProblem[], file: string, index: KeyIndex): ConfigIssue[] {
  return problems
    .map((p, order) => ({ issue: { file, path: p.path, message: p.message, ...index.locate(p.path) }, order }))
    .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.order - b.order)
    .map(({ issue }) => issue);
}

function invalid(issues: ConfigIssue[]): SupdError {
  const noun = issues.length === 1 ? 'error' : 'errors';
  return new SupdError('SUPD_E_CONFIG_INVALID', `invalid config: ${issues.length} ${noun}`, { issues });
}
