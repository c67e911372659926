// node-cron, loaded once and only when a config has a schedule (its time zone support costs
// about 8 MB). One form (the CommonJS build) everywhere, so it is never in memory twice.
import { createRequire } from 'node:module';

type NodeCron = typeof import('node-cron').default;
let loaded: NodeCron | undefined;

export function nodeCron(): NodeCron {
  loaded ??= createRequire(import.meta.url)('node-cron') as NodeCron;
  return loaded;
}
