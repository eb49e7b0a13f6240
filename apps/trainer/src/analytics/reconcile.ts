import type { Logger } from '@acsa/core/logger';
import type { PrismaClient } from '@acsa/db';
import type { TInteractionEvent } from '@acsa/pipelines';
import { recordInteractions } from './record-interaction.ts';

/** Turns read per query: a window with many missing events is worked through in pages. */
const PAGE = 1_000;

type TMissingTurn = {
  id: string;
  conversationId: string;
  sessionId: string;
  createdAt: Date;
  intent: string | null;
  confidence: number | null;
  topK: unknown;
  entities: unknown;
  outOfScope: boolean;
  modelVersionId: string | null;
  variant: string | null;
  latencyMs: number | null;
  version: string | null;
  lowMark: number | null;
  escalated: boolean;
};

const list = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];

/**
 * The interaction event serving published for a stored turn, rebuilt from what PostgreSQL holds: the
 * customer's message (intent, confidence, top intents, entities, model and variant, latency), its
 * conversation's session, whether the turn escalated, and whether its confidence was under the model's
 * low-confidence mark (the manifest's, as the classifier decided it).
 */
function eventOf(t: TMissingTurn): TInteractionEvent {
  const confidence = Math.min(1, Math.max(0, t.confidence ?? 0));
  return {
    version: 2,
    messageId: t.id,
    conversationId: t.conversationId,
    sessionId: t.sessionId,
    at: t.createdAt.toISOString(),
    intent: t.intent,
    confidence,
    topK: list(t.topK).map((k) => ({
      intent: String(k.intent),
      confidence: Number(k.confidence ?? k.p ?? 0),
    })),
    outOfScope: t.outOfScope,
    lowConfidence: t.lowMark !== null && t.confidence !== null && confidence < t.lowMark,
    entityTypes: list(t.entities).map((e) => String(e.type)),
    modelVersion: t.version ?? 'unknown',
    modelVersionId: t.modelVersionId,
    variant: t.variant,
    escalated: t.escalated,
    latencyMs: Math.max(0, t.latencyMs ?? 0),
  };
}

export type TReconciled = {
  /** Stored turns of the range that analytics had not recorded, now recorded. */
  recorded: number;
};

/**
 * Records every customer turn stored in [from, to) whose interaction event analytics never received (no
 * receipt): events are sent to Redis after the turn is stored, so a Redis that restarts empty, a serving
 * worker killed with events in its buffer, or a flush that failed both ways loses them, while the turn
 * itself is in PostgreSQL. Counting goes through the same statement as the queue's events, and the receipt
 * makes an event that arrives later anyway (an outbox relayed late) count once.
 */
export async function reconcileInteractions(
  prisma: PrismaClient,
  range: { from: Date; to: Date },
): Promise<TReconciled> {
  const out: TReconciled = { recorded: 0 };
  let after = { at: range.from, id: '00000000-0000-0000-0000-000000000000' };
  for (;;) {
    const page = await prisma.$queryRaw<TMissingTurn[]>`
      SELECT m.id, m."conversationId", c."sessionId", m."createdAt", m.intent, m.confidence, m."topK",
             m.entities, m."outOfScope", m."modelVersionId", m.variant, m."latencyMs", v.version,
             (v.manifest #>> '{outOfScope,lowConfidence}')::float8 AS "lowMark",
             EXISTS (SELECT 1 FROM "Escalation" e WHERE e."messageId" = m.id) AS escalated
        FROM "Message" m
        JOIN "Conversation" c ON c.id = m."conversationId"
        LEFT JOIN "ModelVersion" v ON v.id = m."modelVersionId"
       WHERE m.role = 'USER'
         AND m."createdAt" >= ${range.from} AND m."createdAt" < ${range.to}
         AND (m."createdAt", m.id) > (${after.at}, ${after.id}::uuid)
         AND NOT EXISTS (SELECT 1 FROM "InteractionReceipt" r WHERE r."messageId" = m.id)
       ORDER BY m."createdAt", m.id
       LIMIT ${PAGE}`;
    const r = await recordInteractions(prisma, page.map(eventOf));
    out.recorded += r.counted;
    const last = page.at(-1);
    if (!last || page.length < PAGE) return out;
    after = { at: last.createdAt, id: last.id };
  }
}

export type TReconcileOptions = {
  /** How often stored turns are checked for missing events (default every minute). */
  everyMs?: number;
  /**
   * How old a turn must be before its missing event counts as lost rather than on its way (default 2
   * minutes: serving flushes within 50 ms, relays its outbox every 2 s, and analytics keeps up).
   */
  graceMs?: number;
  /** How far back the first check after a start reaches (default 30 minutes). */
  lookbackMs?: number;
};

/**
 * Checks, every `everyMs`, the turns stored since the last check (and, at start, `lookbackMs` back) that
 * are at least `graceMs` old, and records those whose event never arrived. Several trainers doing the same
 * count each turn once (the receipts); the check costs one index range scan per minute of traffic.
 */
export function startReconciler(o: { prisma: PrismaClient; logger: Logger } & TReconcileOptions): {
  close(): Promise<void>;
  tick(now?: Date): Promise<TReconciled>;
  total(): number;
} {
  const everyMs = o.everyMs ?? 60_000;
  const graceMs = o.graceMs ?? 120_000;
  let from = new Date(Date.now() - graceMs - (o.lookbackMs ?? 30 * 60_000));
  let running: Promise<TReconciled> | null = null;
  let recorded = 0;
  const tick = (now = new Date()): Promise<TReconciled> => {
    if (running) return running;
    const to = new Date(now.getTime() - graceMs);
    running = (async () => {
      if (to <= from) return { recorded: 0 };
      const start = from;
      const r = await reconcileInteractions(o.prisma, { from: start, to });
      from = to;
      recorded += r.recorded;
      if (r.recorded)
        o.logger.warn(
          { ...r, from: start.toISOString(), to: to.toISOString() },
          'recorded stored turns whose interaction event was lost on the way',
        );
      return r;
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(
    () =>
      void tick().catch((e) =>
        o.logger.warn({ err: (e as Error).message }, 'reconciling interactions failed; will retry'),
      ),
    everyMs,
  );
  timer.unref();
  return {
    tick,
    /** Turns recorded since the start. */
    total: () => recorded,
    async close() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
