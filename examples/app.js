#!/usr/bin/env node
// A small app with methods, in the style of the daemon frameworks supd grew out of:
// `node app.js mailer` and `node app.js importer --batch 100` run as pools of workers.
const [method = 'main', ...args] = process.argv.slice(2);
const name = process.env.SUPD_NAME ?? `app.${method}`;
let jobs = 0;

console.log(`${name}: ${method} worker up (pid ${process.pid}, args ${JSON.stringify(args)})`);
const timer = setInterval(() => {
  jobs += 1;
  console.log(`${name}: ${method} handled job ${jobs}`);
}, 2000);

process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`${name}: ${method} stopping after ${jobs} jobs`);
  process.exit(0);
});
