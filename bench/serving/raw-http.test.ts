import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RawHttpPool } from './raw-http.ts';

let server: http.Server;
let port: number;
const sockets = new Set<number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    sockets.add(req.socket.remotePort ?? 0);
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 500);
      const payload = JSON.stringify({ echo: body, é: 'ü' });
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (req.url === '/close') headers.connection = 'close';
      res.writeHead(req.url === '/missing' ? 404 : 200, {
        ...headers,
        'content-length': Buffer.byteLength(payload),
      });
      // Split in two writes: the client must wait for the whole body.
      res.write(payload.slice(0, 5));
      setTimeout(() => res.end(payload.slice(5)), 5);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((r) => server.close(r)));

const post = (path: string, body: string) =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

it('reads status and a body split over packets, with multi-byte characters', async () => {
  const pool = new RawHttpPool(port, { maxConnections: 2, timeoutMs: 2_000 });
  const r = await pool.request(post('/x', '{"a":"ß"}'));
  expect(r).toEqual({ status: 200, body: JSON.stringify({ echo: '{"a":"ß"}', é: 'ü' }) });
  expect((await pool.request(post('/missing', '{}'))).status).toBe(404);
  pool.close();
});

it('runs many requests over at most maxConnections keep-alive connections, spread over all of them', async () => {
  sockets.clear();
  const pool = new RawHttpPool(port, { maxConnections: 4, timeoutMs: 2_000 });
  const all = await Promise.all(Array.from({ length: 40 }, (_, i) => pool.request(post('/x', String(i)))));
  expect(all.map((r) => JSON.parse(r.body).echo)).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
  expect(sockets.size).toBe(4);
  // One at a time, the idle connections take turns (each connection is one cluster worker's).
  sockets.clear();
  for (let i = 0; i < 8; i++) await pool.request(post('/x', String(i)));
  expect(sockets.size).toBe(4);
  pool.close();
});

it('reconnects after the server closes the connection, and reports a timeout as an error', async () => {
  const pool = new RawHttpPool(port, { maxConnections: 1, timeoutMs: 100 });
  expect((await pool.request(post('/close', '1'))).status).toBe(200);
  expect((await pool.request(post('/x', '2'))).status).toBe(200);
  expect(await pool.request(post('/slow', '3'))).toMatchObject({ status: 0, error: 'timeout' });
  expect((await pool.request(post('/x', '4'))).status).toBe(200);
  pool.close();
});
