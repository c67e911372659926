// Where the repo's files are, from the compiled test (dist/test/...).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SUPD_BIN = path.join(ROOT, 'bin', 'supd.js');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
