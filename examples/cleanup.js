#!/usr/bin/env node
// A scheduled job: supd runs it on every tick of its cron schedule, never two at once.
const started = Date.now();
console.log(`cleanup: run ${process.env.SUPD_NAME} started at ${new Date(started).toISOString()}`);
setTimeout(() => {
  console.log(`cleanup: removed 0 stale files in ${Date.now() - started} ms`);
}, 500);
