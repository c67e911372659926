#!/usr/bin/env node
// A worker that crashes about a second after it starts: before its start_secs (2s), so every
// crash is a failed start and supd backs off (1s, 2s, 4s, then 5s) instead of respawning at once.
// `supd status` shows it in `backoff` most of the time, with `restarts` growing.
const lifeMs = 500 + Math.floor(Math.random() * 1000);
console.log(`flaky: up, will crash in ${lifeMs} ms`);
setTimeout(() => {
  console.error('flaky: something went wrong, exiting with code 1');
  process.exit(1);
}, lifeMs);
