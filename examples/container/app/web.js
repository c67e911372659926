// The app: answers on PORT (127.0.0.1), /health for supd's ready check; logs JSON lines.
import http from 'node:http';

const port = Number(process.env.PORT ?? 3000);
const log = (msg, extra = {}) => console.log(JSON.stringify({ msg, ...extra }));
const server = http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok\n');
  log('request', { url: req.url });
  res.end(`hello from ${process.env.SUPD_NAME ?? 'web'} (pid ${process.pid})\n`);
});
server.listen(port, '127.0.0.1', () => log('listening', { port }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
