import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { baseEnvShape, blankToUndefined as blank, parseEnv, parseEnvOrExit, zPort } from '@acsa/core/env';
import { otelEnvShape } from '@acsa/core/tracing';
import { z } from 'zod';

/**
 * One serving worker per core but one: the core left is PostgreSQL's, Redis's and the trainer's where they
 * share the machine (`npm start`), and one process batches more per event-loop turn. Measured on 2 cores
 * with everything running (bench/serving/everything.ts): 2 workers gave p99 312 ms at 800 turns/s and
 * saturation 0.33 of the bare floor, 1 worker p99 101 ms and 0.47. Where serving has the machine to itself
 * (a pod), set SERVING_WORKERS to its CPUs (the manifests set 1 per pod and scale pods).
 */
export const defaultWorkers = (cores = availableParallelism()): number => Math.max(1, cores - 1);

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(blank, z.coerce.number().int().min(min).max(max).default(fallback));
const flag = (fallback: boolean) =>
  z
    .preprocess(blank, z.enum(['true', 'false', '1', '0']).default(fallback ? 'true' : 'false'))
    .transform((v) => v === 'true' || v === '1');

/** The named ranges proxy-addr (Fastify's trustProxy) knows besides addresses and CIDRs. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** What proxy-addr accepts in a trust list: an address, a CIDR, an IPv4 address/netmask, or a range name. */
function isProxyAddress(part: string): boolean {
  if (PROXY_RANGE_NAMES.includes(part)) return true;
  const [address = '', range, ...rest] = part.split('/');
  const kind = isIP(address);
  if (kind === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d+$/.test(range)) return Number(range) > 0 && Number(range) <= (kind === 4 ? 32 : 128);
  return kind === 4 && isIP(range) === 4;
}

const ZServingSettings = z.object({
  ...baseEnvShape,
  /** Traces: off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER) is set; see @acsa/core/tracing. */
  ...otelEnvShape,
  PORT: zPort(8080),
  HOST: z.string().default('127.0.0.1'),
  /**
   * Prometheus metrics (`GET /metrics`, every worker's merged) listen on this port of HOST, never on PORT:
   * they tell anyone who reads them the chat volume by intent, escalation rates, model versions and
   * experiment variants, so expose PORT to shoppers and this one only to the scraper. 9464 is the
   * OpenTelemetry Prometheus exporter's port; 0: one the OS picks (logged), for processes run side by side.
   */
  METRICS_PORT: int(9464, 0, 65535),
  /** Prefix of every Redis key serving writes; BullMQ's is `<prefix>bull` (the trainer's QUEUE_PREFIX). */
  REDIS_PREFIX: z.preprocess(blank, z.string().min(1).default('acsa:')),
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (throttles count per address): unset
   * believes none; `true` believes any; else comma-separated addresses or CIDRs of the proxies in front.
   */
  TRUST_PROXY: z.preprocess(
    blank,
    z
      .string()
      .default('false')
      .transform((v, ctx): boolean | string[] => {
        if (v === 'false') return false;
        if (v === 'true') return true;
        // Trimmed and checked here: Fastify's proxy-addr threw 'invalid IP address' at start for
        // '10.0.0.0/8, 172.16.0.0/12' without naming the variable.
        const parts = v.split(',').map((p) => p.trim());
        const bad = parts.find((p) => !isProxyAddress(p));
        if (bad === undefined) return parts;
        ctx.addIssue({
          code: 'custom',
          message: `"${bad}" is not an IP address, CIDR (e.g. 10.0.0.0/8) or one of ${PROXY_RANGE_NAMES.join(', ')}`,
        });
        return z.NEVER;
      }),
  ),
  /**
   * A streaming replica for knowledge reads (orders, products, articles). Writes, and reads of an order
   * this process just changed, stay on DATABASE_URL; a replica that fails is skipped and reads fall back to
   * the primary. Unset: every read goes to DATABASE_URL.
   */
  DATABASE_REPLICA_URL: z.preprocess(
    blank,
    z
      .string()
      .refine((v) => URL.canParse(v) && ['postgresql:', 'postgres:'].includes(new URL(v).protocol), {
        message: 'must be a URL starting with postgresql:// or postgres://',
      })
      .optional(),
  ),
  /**
   * Longest graceful shutdown after SIGTERM: in-flight turns finish, kept-alive clients are told to
   * reconnect elsewhere; then the rest is cut. Keep it under the pod's terminationGracePeriodSeconds.
   */
  SHUTDOWN_TIMEOUT_MS: int(20_000, 0),
  /** Processes sharing the port; each loads its own model copy (~10 MB). Default: see defaultWorkers. */
  SERVING_WORKERS: int(defaultWorkers(), 1, 64),
  /** HMAC-SHA256 secret the shop signs customer tokens with; without it customer tokens are refused. */
  CUSTOMER_TOKEN_SECRET: z.preprocess(blank, z.string().min(32, 'must be at least 32 characters').optional()),
  /** Per chat session: one abusive shopper. */
  RATE_LIMIT_SESSION_PER_MINUTE: int(60, 1),
  /** Per API key: one key carries a whole storefront's traffic, so this is sized for it (5,000 turns/s). */
  RATE_LIMIT_KEY_PER_MINUTE: int(300_000, 1),
  /** Per client address, for publishable (browser) keys: one visitor, however many sessions it opens. */
  RATE_LIMIT_ADDRESS_PER_MINUTE: int(120, 1),
  /** Body size limit in bytes; a chat message is at most MAX_TEXT_LENGTH characters. */
  BODY_LIMIT_BYTES: int(16_384, 256),
  MAX_TEXT_LENGTH: int(2_000, 1),
  MICROBATCH: flag(true),
  MICROBATCH_MAX: int(32, 1, 1024),
  MICROBATCH_WAIT_MS: int(2, 0, 100),
  /**
   * A request that finds the rate limit's Redis round trip idle (none in flight) waits up to this long, or
   * until 8 wait, for others to go with it, as one cohort, through that round trip and every batch after it
   * (a turn's NLU run, its statement, its session save). A worker's CPU per turn falls steeply as turns come
   * closer together (2.0 ms at 200 turns/s, 0.97 at 800, 0.43 at saturation, one worker on these machines),
   * so gathering them spends a few milliseconds of latency to save CPU where it is scarce: at 800 turns/s most
   * cohorts wait the whole 8 ms (on top of MICROBATCH_WAIT_MS); only when a round trip is already out, or 8
   * are waiting, does a request go without waiting. 0: no wait. Measured in
   * bench/serving/results/2026-12-07-everything.md (stop 29).
   */
  TURN_GATHER_MS: int(8, 0, 100),
  NLU_CACHE_SIZE: int(10_000, 0),
  /** Dialogue state lifetime in Redis after the last turn. */
  SESSION_TTL_SECONDS: int(1_800, 60),
  /**
   * Where the shop's help articles live (e.g. https://shop.example/help): a reply drawn from an article links
   * to `<HELP_CENTER_URL>/<slug>`. Unset: replies carry no links.
   */
  HELP_CENTER_URL: z.preprocess(blank, z.url().optional()),
  /** Registry poll, in case an alias-move notification was missed. */
  MODEL_POLL_MS: int(5_000, 100),
});
export const ZServingEnv = ZServingSettings.refine(
  (env) => env.METRICS_PORT === 0 || env.METRICS_PORT !== env.PORT,
  { path: ['METRICS_PORT'], message: 'must differ from PORT: metrics are not served on the public API port' },
);
export type TServingEnv = z.infer<typeof ZServingEnv>;

export const loadEnv = (source: Record<string, string | undefined> = process.env): TServingEnv =>
  parseEnv(ZServingEnv, source);

/** main.ts's: a bad environment prints its problems once and exits 1, not an uncaught EnvError's stack. */
export const loadEnvOrExit = (source: Record<string, string | undefined> = process.env): TServingEnv =>
  parseEnvOrExit(ZServingEnv, source, { exitCode: 1 });
