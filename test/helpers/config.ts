// Parse a daemons.toml text through the whole pipeline, as if it stood at /abs/dir/daemons.toml.
import assert from 'node:assert/strict';
import { parseConfigText, type LoadOptions } from '../../src/config/load.js';
import type { UnitSpec, SupdConfig } from '../../src/config/types.js';
import { isSupdError, type ConfigIssue } from '../../src/errors.js';

export const CONFIG_FILE = '/abs/dir/daemons.toml';

export function parse(text: string, options: LoadOptions = {}): SupdConfig {
  return parseConfigText(text, CONFIG_FILE, { env: {}, ...options });
}

/** The located issues a text is refused with; fails the test if it is accepted. */
export function issuesOf(text: string, options: LoadOptions = {}): ConfigIssue[] {
  try {
    parse(text, options);
  } catch (error) {
    assert.ok(isSupdError(error), `not a SupdError: ${String(error)}`);
    assert.equal(error.code, 'SUPD_E_CONFIG_INVALID');
    return [...error.issues];
  }
  assert.fail(`accepted:\n${text}`);
}

/** `path: message` of each issue, for compact assertions. */
export function problemsOf(text: string, options: LoadOptions = {}): string[] {
  return issuesOf(text, options).map((i) => `${i.path ?? `${i.line}:${i.column}`}: ${i.message}`);
}

export function unitOf(config: SupdConfig, name: string): UnitSpec {
  const unit = config.units.find((u) => u.name === name);
  assert.ok(unit, `no unit ${name} in ${config.units.map((u) => u.name).join(', ')}`);
  return unit;
}

/** A one-program config around some keys: `[programs.web]` with command "node web.js". */
export function web(keys = '', before = ''): string {
  return `${before}\n[programs.web]\ncommand = "node web.js"\n${keys}\n`;
}
