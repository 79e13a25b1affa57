/**
 * The floor the device benchmarks compare against: a bare node:http server on 127.0.0.1 that reads
 * each request body (parsing it as JSON when there is one) and answers a fixed JSON document of
 * FLOOR_BODY_BYTES bytes — the same sockets and load generator, without any of Loa.
 */
import { createServer } from 'node:http';

const answer = JSON.stringify({ padding: 'x'.repeat(Math.max(0, Number(process.env.FLOOR_BODY_BYTES ?? 1500) - 16)) });
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    if (body) JSON.parse(body);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${(server.address() as { port: number }).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
