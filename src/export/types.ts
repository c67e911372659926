// What an exporter takes and gives: the normalized config in, files and notes out. No I/O
// but through ExportEnv, so every target is a pure function the tests call directly.
import type { SupdConfig, UnitSpec } from '../config/types.js';

export interface ExportFile {
  /** A path relative to the output directory. */
  readonly name: string;
  readonly content: string;
  /** 0o755 for scripts. */
  readonly mode?: number;
}

/** A setting the target cannot express: `programs.web.watch: not expressible in systemd (...)`. */
export interface ExportNote {
  readonly path: string;
  readonly message: string;
}

export interface ExportResult {
  readonly files: ExportFile[];
  readonly notes: ExportNote[];
}

/** What exporters may ask of the world, injected by the CLI. */
export interface ExportEnv {
  /** The argv that runs this supd (absolute node and script), for units that call supd back. */
  readonly supdCommand: readonly string[];
  /** argv[0] as an absolute path when it can be found on the unit's PATH, else null. */
  readonly resolveCommand: (unit: UnitSpec) => string | null;
  /** An env file's variables (as supd reads it), to tell them apart from `env`'s own. */
  readonly readEnvFile: (file: string) => Readonly<Record<string, string>>;
}

export interface ExportOptions {
  /** systemd: user units (`systemctl --user`). */
  readonly user?: boolean;
  /** systemd and initd: a unit or script for supd itself on this config. */
  readonly self?: boolean;
  /** k8s and compose: the container image. */
  readonly image?: string;
}

export type Exporter = (config: SupdConfig, env: ExportEnv, options: ExportOptions) => ExportResult;

export function note(notes: ExportNote[], path: string, message: string): void {
  notes.push({ path, message });
}

/** `programs.web` or `programs.app.methods.mailer`: the place a note names. */
export function unitPath(unit: UnitSpec): string {
  return unit.method === null ? `programs.${unit.program}` : `programs.${unit.program}.methods.${unit.method}`;
}

/** The keys of `env` that do not come unchanged from an env_file (those stay in the file). */
export function ownEnv(unit: UnitSpec, env: ExportEnv): Array<[string, string]> {
  const fromFiles: Record<string, string> = {};
  for (const file of unit.envFiles) Object.assign(fromFiles, env.readEnvFile(file));
  return Object.entries(unit.env).filter(([key, value]) => fromFiles[key] !== value);
}

/** How signals reach a unit's processes, whichever key the config used. */
export function killModeOf(unit: UnitSpec): 'mixed' | 'group' | 'process' {
  return unit.killMode; // normalize turned kill_group into it
}

/** A duration as systemd and compose write it: "30s", or "250ms" below whole seconds. */
export function durationText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
