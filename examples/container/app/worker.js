// The worker: a job every 2 s; finishes the current one on SIGTERM.
let jobs = 0;
const timer = setInterval(() => console.log(`worker: job ${++jobs} done`), 2000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`worker: stopping after ${jobs} jobs`);
  process.exit(0);
});
