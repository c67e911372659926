// The reliability tests run short in `npm test` and long in `npm run soak` (SUPD_SOAK=1):
// one test body, two sizes.
import type { TestContext } from 'node:test';

export const SOAK = process.env.SUPD_SOAK === '1';

/** The test's size: `quick` in npm test, `soak` under npm run soak. */
export function sized<T>(quick: T, soak: T): T {
  return SOAK ? soak : quick;
}

/** Prints a test's figures as one diagnostic line each (`restarts survived: 2,412`). */
export function reportFigures(t: TestContext, figures: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(figures)) {
    t.diagnostic(`${name}: ${typeof value === 'number' ? value.toLocaleString('en-US') : value}`);
  }
}
