import { expect, it } from 'vitest';
import { defaultWorkers, loadEnv } from './env.ts';

it('defaults to port 8080 and names a bad variable', () => {
  expect(loadEnv({}).PORT).toBe(8080);
  expect(() => loadEnv({ REDIS_URL: 'http://localhost:6379' })).toThrow(
    /REDIS_URL: must be a URL starting with redis:/,
  );
});

it('believes no proxy unless told which', () => {
  expect(loadEnv({}).TRUST_PROXY).toBe(false);
  expect(loadEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
  expect(loadEnv({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1']);
});

it('takes a proxy list written with spaces after the commas, and names a bad entry', () => {
  expect(loadEnv({ TRUST_PROXY: '10.0.0.0/8, 172.16.0.0/12 , ::1, loopback' }).TRUST_PROXY).toEqual([
    '10.0.0.0/8',
    '172.16.0.0/12',
    '::1',
    'loopback',
  ]);
  expect(() => loadEnv({ TRUST_PROXY: '10.0.0.0/8, proxy.internal' })).toThrow(
    /TRUST_PROXY: "proxy.internal" is not an IP address/,
  );
  expect(() => loadEnv({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY: "10.0.0.0\/33"/);
  expect(() => loadEnv({ TRUST_PROXY: '10.0.0.0/8,' })).toThrow(/TRUST_PROXY: "" is not/);
});

it('reads from the primary unless a replica is named, and names a bad replica URL', () => {
  expect(loadEnv({}).DATABASE_REPLICA_URL).toBeUndefined();
  expect(loadEnv({ DATABASE_REPLICA_URL: '' }).DATABASE_REPLICA_URL).toBeUndefined();
  const url = 'postgresql://postgres@replica:5432/acsa';
  expect(loadEnv({ DATABASE_REPLICA_URL: url }).DATABASE_REPLICA_URL).toBe(url);
  expect(() => loadEnv({ DATABASE_REPLICA_URL: 'mysql://h/db' })).toThrow(
    /DATABASE_REPLICA_URL: must be a URL/,
  );
});

it('runs one worker per core but one, and at least one, unless told', () => {
  expect([1, 2, 4, 16].map((cores) => defaultWorkers(cores))).toEqual([1, 1, 3, 15]);
  expect(loadEnv({ SERVING_WORKERS: '2' }).SERVING_WORKERS).toBe(2);
});

it('serves metrics on a port of their own, never the API port', () => {
  expect(loadEnv({}).METRICS_PORT).toBe(9464);
  expect(loadEnv({ METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
  expect(() => loadEnv({ PORT: '9000', METRICS_PORT: '9000' })).toThrow(
    /METRICS_PORT: must differ from PORT/,
  );
  expect(() => loadEnv({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
});
