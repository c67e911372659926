// A command string split the way a POSIX shell splits words (single quotes, double quotes
// with backslash escapes, backslashes outside quotes), without running a shell. Shell
// operators outside quotes are refused: supd would pass them as arguments, which is never
// what the writer meant.

const OPERATORS = new Set(['|', '&', ';', '<', '>', '`', '(', ')']);

export type SplitResult = { ok: true; argv: string[] } | { ok: false; message: string };

export function splitCommand(text: string): SplitResult {
  const words: Words = { argv: [], word: '', inWord: false };
  for (let i = 0; i < text.length; ) {
    const next = readAt(text, i, words);
    if (typeof next === 'string') return { ok: false, message: next };
    i = next;
  }
  endWord(words);
  if (words.argv.length === 0) return { ok: false, message: 'command is empty' };
  return { ok: true, argv: words.argv };
}

interface Words {
  argv: string[];
  word: string;
  /** A word has started (it may be empty: `''`). */
  inWord: boolean;
}

function addTo(words: Words, text: string): void {
  words.word += text;
  words.inWord = true;
}

function endWord(words: Words): void {
  if (words.inWord) words.argv.push(words.word);
  words.word = '';
  words.inWord = false;
}

/** Reads the piece of the command at `i` into `words`: returns the index after it, or what is wrong. */
function readAt(text: string, i: number, words: Words): number | string {
  const c = text[i]!;
  if (c === ' ' || c === '\t' || c === '\n') {
    endWord(words);
    return i + 1;
  }
  if (c === "'") {
    const end = text.indexOf("'", i + 1);
    if (end === -1) return 'unterminated single quote in command';
    addTo(words, text.slice(i + 1, end));
    return end + 1;
  }
  if (c === '"') {
    const read = readDoubleQuoted(text, i + 1);
    if (read === null) return 'unterminated double quote in command';
    addTo(words, read.value);
    return read.end + 1;
  }
  if (c === '\\') {
    if (i + 1 >= text.length) return 'command ends with a lone backslash';
    // Backslash-newline is a line continuation: it vanishes, and starts no word.
    if (text[i + 1] !== '\n') addTo(words, text[i + 1]!);
    return i + 2;
  }
  if (OPERATORS.has(c) || (c === '$' && text[i + 1] === '(')) {
    return `shell syntax "${c === '$' ? '$(' : c}" in command: supd runs no shell; write command = ["sh", "-c", "..."] if you want one`;
  }
  addTo(words, c);
  return i + 1;
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
