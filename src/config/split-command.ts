// A command string split the way a POSIX shell splits words (single quotes, double quotes
// with backslash escapes, backslashes outside quotes), without running a shell. Shell
// operators outside quotes are refused: supd would pass them as arguments, which is never
// what the writer meant.

const OPERATORS = new Set(['|', '&', ';', '<', '>', '`', '(', ')']);

export type SplitResult = { ok: true; argv: string[] } | { ok: false; message: string };

export function splitCommand(text: string): SplitResult {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const fail = (message: string): SplitResult => ({ ok: false, message });
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) return fail('unterminated single quote in command');
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      const read = readDoubleQuoted(text, i + 1);
      if (read === null) return fail('unterminated double quote in command');
      word += read.value;
      inWord = true;
      i = read.end + 1;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return fail('command ends with a lone backslash');
      // Backslash-newline is a line continuation: it vanishes, and starts no word.
      if (text[i + 1] !== '\n') {
        word += text[i + 1];
        inWord = true;
      }
      i += 2;
    } else if (OPERATORS.has(c) || (c === '$' && text[i + 1] === '(')) {
      return fail(`shell syntax "${c === '$' ? '$(' : c}" in command: supd runs no shell; write command = ["sh", "-c", "..."] if you want one`);
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) argv.push(word);
  if (argv.length === 0) return fail('command is empty');
  return { ok: true, argv };
}

// Inside double quotes a backslash escapes only $ ` " \ and newline, as in sh.
function readDoubleQuoted(text: string, start: number): { value: string; end: number } | null {
  let value = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return { value, end: i };
    if (c === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1]!)) {
      if (text[i + 1] !== '\n') value += text[i + 1];
      i++;
    } else {
      value += c;
    }
  }
  return null;
}
