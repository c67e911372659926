#!/usr/bin/env node
// A tiny HTTP server; each copy listens on PORT + its SUPD_INDEX.
import http from 'node:http';

const port = Number(process.env.PORT ?? 8080) + Number(process.env.SUPD_INDEX ?? 0);
const server = http.createServer((req, res) => {
  res.end(`hello from ${process.env.SUPD_NAME ?? 'web'} (pid ${process.pid})\n`);
});
server.listen(port, '127.0.0.1', () => console.log(`web: listening on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
