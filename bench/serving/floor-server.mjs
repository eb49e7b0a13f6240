// The bare floor `everything.ts` compares serving with: Fastify, one Redis round trip for the session and
// one INSERT per turn, nothing else (no auth, NLU, dialogue, events). What one process on this machine can
// answer with the same stores is the most serving could: its saturation is measured against this one's.
//   node bench/serving/floor-server.mjs PORT DATABASE_URL REDIS_URL
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';

const [port, databaseUrl, redisUrl] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
await pool.query(
  'CREATE TABLE IF NOT EXISTS floor_turn (id bigserial PRIMARY KEY, session text, text text, at timestamptz DEFAULT now())',
);
const redis = new Redis(redisUrl);
const app = Fastify({ logger: false });
app.post('/v1/chat', async (req) => {
  const { sessionId, text } = req.body;
  const state = await redis.get(`floor:${sessionId}`);
  await pool.query('INSERT INTO floor_turn (session, text) VALUES ($1, $2)', [sessionId, text]);
  await redis.set(`floor:${sessionId}`, String(Number(state ?? 0) + 1), 'EX', 600);
  return { reply: 'ok', sessionToken: 'x' };
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.send?.('ready');
process.on('SIGTERM', async () => {
  await app.close();
  await pool.end();
  redis.disconnect();
  process.exit(0);
});
