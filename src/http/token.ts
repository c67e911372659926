// The dashboard's login token (SPEC section 9): 32 random bytes, hex, in <state_dir>/http.token
// (0600). Kept across restarts of supd, so a bookmarked login still works; delete the file to
// make a new one (every open dashboard then has to log in again).
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TOKEN_FILE = 'http.token';
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export function ensureToken(stateDir: string): string {
  const file = path.join(stateDir, TOKEN_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (TOKEN_PATTERN.test(existing)) {
      chmodSync(file, 0o600);
      return existing;
    }
  } catch {
    // none yet: make one
  }
  const token = randomBytes(32).toString('hex');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}
