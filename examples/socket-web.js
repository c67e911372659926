#!/usr/bin/env node
// An HTTP server that takes the listening sockets supd holds for it (`sockets = { http = ... }`):
// systemd's protocol, so it works under systemd socket activation too. Without one (run by
// hand) it listens on PORT. Each answer says which copy answered and whether it was ready.
// On SIGTERM it stops taking connections, finishes the requests it has, and exits.
import http from 'node:http';

const warmupMs = Number(process.env.WARMUP_MS ?? 0);
let ready = false;
const first = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(`${JSON.stringify({ pid: process.pid, name: process.env.SUPD_NAME ?? null, ready, version: process.env.APP_VERSION ?? null })}\n`);
});

// sd_listen_fds(): the fds 3, 4, ... are ours only if LISTEN_PID is our own pid.
function inheritedFds() {
  const count = Number(process.env.LISTEN_FDS ?? 0);
  if (count < 1 || Number(process.env.LISTEN_PID) !== process.pid) return [];
  return Array.from({ length: count }, (_, i) => 3 + i);
}

// One server on every socket given (`sockets = { http = ..., admin = ... }`), or on PORT.
const servers = [];
setTimeout(() => {
  const fds = inheritedFds();
  const places = fds.length > 0 ? fds.map((fd) => ({ fd })) : [{ port: Number(process.env.PORT ?? 8080), host: '127.0.0.1' }];
  let waiting = places.length;
  for (const place of places) {
    const server = servers.length === 0 ? first : http.createServer(first.listeners('request')[0]);
    servers.push(server);
    server.listen(place, () => {
      if (--waiting > 0) return;
      ready = true;
      const where = fds.length > 0 ? `fds ${fds.join(', ')} from supd (${process.env.LISTEN_FDNAMES})` : `http://127.0.0.1:${place.port}`;
      console.log(`socket-web: listening on ${where} (pid ${process.pid})`);
    });
  }
}, warmupMs);

process.on('SIGTERM', () => {
  // close() stops accepting and closes idle keep-alive connections; busy ones end after their answer.
  let open = servers.length;
  if (open === 0) process.exit(0);
  for (const server of servers) server.close(() => --open === 0 && process.exit(0));
});
