import { AppError } from '@acsa/core/errors';
import { uuidv7 } from '@acsa/core/ids';
import { currentTraceparent, withSpan } from '@acsa/core/tracing';
import { LRUCache } from 'lru-cache';
import type { TApiKeyPrincipal } from '../auth/api-keys.ts';
import { verifyCustomerToken } from '../auth/customer-token.ts';
import type { TLookupGuard, TLookupGuards } from '../auth/lookup-guard.ts';
import { sql, type TDb } from '../db/sql.ts';
import type { InteractionPublisher } from '../events/interaction-publisher.ts';
import type { ModelRegistry } from '../models/model-registry.ts';
import type { NluService } from '../nlu/nlu-service.ts';
import type { TTurnWriter } from '../persist/turn-store.ts';
import type { TShadowScorer } from '../shadow/shadow-scorer.ts';
import {
  initialState,
  type TCustomerRef,
  type TDialogueState,
  type TTurnDecision,
  type TUnderstanding,
} from '../turn/types.ts';
import type { TChatResponse } from './chat-schemas.ts';
import type { SessionStore } from './session-store.ts';
import { newSessionToken, sessionTokenHash } from './session-token.ts';

export type TDecide = (input: {
  understanding: TUnderstanding;
  state: TDialogueState;
  customer: TCustomerRef;
  guard: TLookupGuard;
  now: Date;
}) => Promise<TTurnDecision>;

export type TTurnDeps = {
  db: TDb;
  turns: TTurnWriter;
  registry: ModelRegistry;
  nlu: NluService;
  sessions: SessionStore;
  publisher: InteractionPublisher;
  decide: TDecide;
  /** Failed ownership checks across sessions and workers, per storefront key. */
  guards: TLookupGuards;
  /** Scores each stored turn with the `shadow` alias's model too, off the reply's path. */
  shadow?: TShadowScorer;
  customerTokenSecret: string | undefined;
  /** Replies drawn from an article link to `<helpCenterUrl>/<slug>`; none without it. */
  helpCenterUrl?: string | undefined;
  onTurn?: (t: {
    intent: string;
    escalated: boolean;
    variant: string | null;
    latencyMs: number;
    version: string;
  }) => void;
};

const UNIQUE_VIOLATION = '23505';

/** What a widget offers as buttons while the agent waits for a yes or no; `text` is what is sent. */
const CONFIRM_CANCEL = [
  { label: 'Yes, cancel it', text: 'yes' },
  { label: 'No, keep it', text: 'no' },
];

export function createTurnHandler(deps: TTurnDeps) {
  const helpBase = deps.helpCenterUrl?.replace(/\/$/, '');
  const customers = new LRUCache<string, NonNullable<TCustomerRef>>({ max: 5_000, ttl: 60_000 });

  async function resolveCustomer(token: string | undefined): Promise<TCustomerRef> {
    if (!token) return null;
    const { sub } = verifyCustomerToken(deps.customerTokenSecret, token);
    const cached = customers.get(sub);
    if (cached) return cached;
    const [row] = await deps.db.query<NonNullable<TCustomerRef>>(
      sql`SELECT id, email, name FROM "Customer" WHERE id = ${sub}::uuid`,
    );
    if (!row)
      throw new AppError('UNAUTHENTICATED', 'invalid customerToken: it names no customer of this shop', {
        field: 'customerToken',
      });
    customers.set(sub, row);
    return row;
  }

  return async function handleTurn(
    principal: TApiKeyPrincipal,
    body: { sessionId: string; sessionToken?: string; text: string; customerToken?: string },
    /**
     * What the caller worked out already: the session token's hash, and the session's stored state if it
     * read it (see SessionStore.load; undefined: not read).
     */
    prefetched: { tokenHash?: string; state?: string | null } = {},
  ): Promise<TChatResponse> {
    const started = performance.now();
    const customer = await resolveCustomer(body.customerToken);
    const route = deps.registry.route(body.sessionId);
    if (!route)
      throw new AppError('MODEL_NOT_READY', 'no model is loaded yet; try again shortly', { retryAfter: 5 });
    try {
      const token = body.sessionToken;
      const held = token
        ? await withSpan('session.load', () =>
            deps.sessions.load(
              principal.id,
              body.sessionId,
              prefetched.tokenHash ?? sessionTokenHash(token),
              prefetched.state,
            ),
          )
        : null;
      // Only the token's holder continues a conversation, and only as the customer it belongs to. Anything
      // else (no token, an unknown or expired one, another customer or none) starts a new conversation
      // with a token of its own, so nothing the old one verified or said reaches this caller.
      const continues = held?.conversationId != null && (held.customerId ?? null) === (customer?.id ?? null);
      const sessionToken = continues ? (body.sessionToken as string) : newSessionToken();
      const state: TDialogueState = continues
        ? (held as TDialogueState)
        : {
            ...initialState(),
            sessionTokenHash: sessionTokenHash(sessionToken),
            customerId: customer?.id ?? null,
          };
      const expecting = state.awaiting === 'order_number' ? 'order_id' : undefined;
      const understanding = await withSpan('nlu', async (span) => {
        const u = await deps.nlu.understand(route.model, body.text, expecting);
        span?.setAttributes({ 'acsa.intent': u.intent, 'acsa.confidence': u.confidence });
        return u;
      });
      const now = new Date();
      const decision = await withSpan('dialogue', () =>
        deps.decide({ understanding, state, customer, guard: deps.guards(principal.id), now }),
      );
      const conversationId = state.conversationId ?? uuidv7();
      const seq = state.turn * 2;
      const next: TDialogueState = {
        ...decision.state,
        conversationId,
        sessionTokenHash: state.sessionTokenHash,
        customerId: state.customerId ?? null,
        turn: state.turn + 1,
      };
      const userMessageId = uuidv7();
      const escalationId = decision.escalation ? uuidv7() : undefined;
      const latencyMs = performance.now() - started;
      try {
        await withSpan('persist', () =>
          deps.turns.write({
            conversationId,
            sessionId: body.sessionId,
            apiKeyId: principal.id,
            customerId: customer?.id ?? null,
            variant: route.variant,
            at: now,
            seq,
            user: { id: userMessageId, understanding, latencyMs },
            agent: { id: uuidv7(), text: decision.reply },
            modelVersionId: route.model.versionId,
            state: next,
            escalation:
              decision.escalation && escalationId ? { id: escalationId, ...decision.escalation } : null,
          }),
        );
      } catch (e) {
        if ((e as { code?: string }).code === UNIQUE_VIOLATION) {
          throw new AppError(
            'CONFLICT',
            'another message of this session is still being answered; send one at a time',
            { field: 'sessionId' },
          );
        }
        throw e;
      }
      await withSpan('session.save', () => deps.sessions.save(principal.id, body.sessionId, next));
      // Analytics continues this turn's trace from the event's traceparent (absent with tracing off).
      await withSpan('event.publish', async () =>
        deps.publisher.publish({
          version: 2,
          messageId: userMessageId,
          conversationId,
          sessionId: body.sessionId,
          at: now.toISOString(),
          intent: understanding.intent,
          confidence: understanding.confidence,
          topK: understanding.topK,
          outOfScope: understanding.outOfScope,
          lowConfidence: understanding.lowConfidence,
          entityTypes: understanding.entities.map((e) => e.type),
          modelVersion: route.model.version,
          modelVersionId: route.model.versionId,
          variant: route.variant,
          escalated: Boolean(decision.escalation),
          latencyMs,
          traceparent: currentTraceparent(),
        }),
      );
      deps.shadow?.mirror(route.model, {
        messageId: userMessageId,
        text: body.text,
        at: now,
        production: { intent: understanding.intent, outOfScope: understanding.outOfScope },
      });
      deps.onTurn?.({
        intent: understanding.intent,
        escalated: Boolean(escalationId),
        variant: route.variant,
        latencyMs: performance.now() - started,
        version: route.model.version,
      });
      return {
        sessionToken,
        reply: decision.reply,
        intent: understanding.intent,
        confidence: understanding.confidence,
        entities: understanding.entities,
        escalated: Boolean(escalationId) || Boolean(next.escalated),
        ...(next.awaiting === 'cancel_confirmation' ? { quickReplies: CONFIRM_CANCEL } : {}),
        ...(helpBase && decision.articles.length > 0
          ? {
              links: decision.articles.map((a) => ({
                title: a.title,
                url: `${helpBase}/${encodeURIComponent(a.slug)}`,
              })),
            }
          : {}),
        ...(escalationId ? { escalationId } : {}),
        modelVersion: route.model.version,
        ...(route.variant ? { variant: route.variant } : {}),
      };
    } finally {
      route.model.release();
    }
  };
}
