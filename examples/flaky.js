#!/usr/bin/env node
// A worker that crashes now and then, to show restarts and backoff in `supd status`.
const lifeMs = 3000 + Math.floor(Math.random() * 7000);
console.log(`flaky: up, will crash in ${lifeMs} ms`);
setTimeout(() => {
  console.error('flaky: something went wrong, exiting with code 1');
  process.exit(1);
}, lifeMs);
