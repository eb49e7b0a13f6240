// The flood of auth-flood.ts, as a process of its own at the lowest CPU priority (`nice -n 19`). An attacker
// sends from elsewhere: here its CPU must not be taken from serving (nor from the measuring client, whose
// event loop would otherwise delay the valid key's turns before they reached serving). Usage:
// node auth-flood-worker.mjs PORT COUNT CONNECTIONS; prints {startedAt, endedAt, statuses} as JSON, times in
// epoch milliseconds.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

const [port, count, connections] = process.argv.slice(2).map(Number);
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const body = JSON.stringify({ sessionId: 'flood', text: 'hello' });
const statuses = {};

const send = () =>
  new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat',
        agent,
        headers: {
          authorization: `Bearer sk_${randomBytes(24).toString('base64url')}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });

const startedAt = performance.timeOrigin + performance.now();
let sent = 0;
await Promise.all(
  Array.from({ length: connections }, async () => {
    while (sent < count) {
      sent++;
      const status = await send();
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }),
);
const endedAt = performance.timeOrigin + performance.now();
agent.destroy();
process.stdout.write(`${JSON.stringify({ startedAt, endedAt, statuses })}\n`);
