// A Procfile (foreman, Heroku): `name: command` per line, each run by a shell with $PORT
// set per process type and copy as foreman does (5000, 5100, 5200 ... plus the copy's number).
import path from 'node:path';
import { splitCommand } from '../config/split-command.js';
import { makeProgram, programName, set, literal, uniqueName, type ImportResult, type ImportedProgram } from './model.js';
import { SourceError } from './pm2-load.js';

const LINE = /^([A-Za-z0-9_-]+):\s*(.*)$/;

export function importProcfile(text: string, file: string): ImportResult {
  const header = [`Imported by \`supd import\` from ${path.basename(file)} (Procfile).`, 'Each process type runs once; raise processes for more copies (PORT stays unique up to 10 copies).'];
  const taken = new Set<string>();
  const programs: ImportedProgram[] = [];
  let typeIndex = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    if (match === null) throw new SourceError(`${file}:${i + 1}: not a "name: command" line: ${line.slice(0, 80)}`);
    const [, name, command] = match as unknown as [string, string, string];
    if (command.trim() === '') throw new SourceError(`${file}:${i + 1}: ${name} has no command`);
    const program = makeProgram(uniqueName(programName(name), taken), [`from ${path.basename(file)}:${i + 1}`]);
    mapCommand(program, command.trim());
    if (name === 'release') {
      programs.push({ ...program, disabledBecause: 'release is a deploy step run once before a release (migrations), not a daemon: run it from your deploy, or as a scheduled program' });
      return;
    }
    // foreman: 5000 + 100 x the type's place + the copy's number.
    const port = 5000 + 100 * typeIndex++;
    set(program, 'env', { PORT: typeIndex <= 10 ? `${String(port).slice(0, -1)}{index}` : String(port) }, `PORT as foreman sets it: ${port} for the first copy`);
    programs.push(program);
  });
  if (programs.length === 0) throw new SourceError(`${file}: no process types in it`);
  return { header, programs };
}

// foreman runs each line with sh: a plain command becomes an argv (no shell stays between
// supd and the program); one that needs the shell ($PORT, pipes, &&) runs as `sh -c`, with
// exec where the line is one command, so the pid is still the program's.
function mapCommand(program: ImportedProgram, command: string): void {
  const split = splitCommand(command);
  if (split.ok && !command.includes('$')) {
    set(program, 'command', split.argv.map(literal));
    return;
  }
  const compound = /[|&;<>()`]/.test(command.replace(/'[^']*'|"[^"]*"/g, ''));
  set(program, 'command', ['/bin/sh', '-c', literal(compound ? command : `exec ${command}`)], ...(compound ? ['a shell line: sh stays the main process, so signals reach it first'] : []));
  if (compound) set(program, 'kill_mode', 'group', 'so the stop signal reaches the processes sh started too');
}
