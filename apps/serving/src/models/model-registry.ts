import type { Logger } from '@acsa/core/logger';
import { experimentAlias, SHADOW_ALIAS, type TServingHeartbeat } from '@acsa/pipelines';
import { sql, type TDb } from '../db/sql.ts';
import { loadModelVersion } from './load-version.ts';
import { LoadedModel, type TBatching, type LoadedModel as TLoaded } from './loaded-model.ts';
import { pickVariant } from './sticky-assignment.ts';

export const PRODUCTION_ALIAS = 'production';
const FAILED_RETRY_MS = 60_000;

type TDesired = {
  production: string | null;
  shadow: string | null;
  experiment: {
    id: string;
    name: string;
    variants: { name: string; versionId: string; weight: number }[];
  } | null;
};
type TRouting = {
  production: TLoaded | null;
  /** Scored beside whoever answered, answering no one (the `shadow` alias). */
  shadow: TLoaded | null;
  experiment: {
    id: string;
    name: string;
    variants: { name: string; model: TLoaded; weight: number }[];
  } | null;
};

export type TRoute = { model: TLoaded; variant: string | null };

const routingKey = ({ production, shadow, experiment }: TRouting) =>
  [
    production?.versionId,
    shadow?.versionId,
    experiment?.id,
    ...(experiment?.variants.map((v) => `${v.name}=${v.model.versionId}`) ?? []),
  ].join('|');

/**
 * Keeps the versions the registry wants (the `production` alias, the variants of a running experiment and
 * the `shadow` alias) loaded, and routes each session to one. Reconciling is serialised: desired versions are loaded in the
 * background and verified, then the routing table is replaced in one assignment, so a request sees either
 * the old table or the new one. A version that fails to load is logged and skipped (retried after a minute);
 * whatever served before keeps serving.
 */
export class ModelRegistry {
  private routing: TRouting = { production: null, shadow: null, experiment: null };
  private readonly loaded = new Map<string, TLoaded>();
  private readonly failed = new Map<string, number>();
  private reconciling: Promise<void> | null = null;
  private again = false;
  private desiredIds = new Set<string>();
  private swappedAt: Date | null = null;
  onSwap?: (route: { alias: string; version: string }) => void;
  /** After any alias's model changed (production, shadow or a variant): the replica heartbeat reports at once. */
  onRoutingChange?: () => void;

  constructor(
    private readonly db: TDb,
    private readonly logger: Logger,
    private readonly batching: TBatching,
  ) {}

  /** The model for this session: its experiment variant when one is running, else production. */
  route(sessionId: string): TRoute | null {
    const { experiment, production } = this.routing;
    if (experiment?.variants.length) {
      const v = pickVariant(`${experiment.id}:${sessionId}`, experiment.variants);
      return { model: v.model.acquire(), variant: v.name };
    }
    return production ? { model: production.acquire(), variant: null } : null;
  }

  get production(): TLoaded | null {
    return this.routing.production;
  }

  /** The shadow model, acquired (release it when done), unless it is the one that answered. */
  shadowOf(answered: TLoaded): TLoaded | null {
    const { shadow } = this.routing;
    return shadow && shadow !== answered ? shadow.acquire() : null;
  }

  /** What this replica answers with, per alias, for its heartbeat (see @acsa/pipelines serving-heartbeat). */
  report(): Pick<TServingHeartbeat, 'aliases' | 'lastSwapAt' | 'failedVersionIds'> {
    const { production, shadow, experiment } = this.routing;
    const entry = (alias: string, m: TLoaded) => ({ alias, version: m.version, versionId: m.versionId });
    return {
      aliases: [
        ...(production ? [entry(PRODUCTION_ALIAS, production)] : []),
        ...(shadow ? [entry(SHADOW_ALIAS, shadow)] : []),
        ...(experiment?.variants.map((v) => entry(experimentAlias(experiment.name, v.name), v.model)) ?? []),
      ],
      lastSwapAt: this.swappedAt?.toISOString() ?? null,
      // Only versions still wanted: one that failed for an alias since moved elsewhere says nothing now.
      failedVersionIds: [...this.failed.keys()].filter((id) => this.desiredIds.has(id)),
    };
  }

  get ready(): boolean {
    return this.routing.production !== null;
  }

  /** Brings loaded models in line with the registry; concurrent calls coalesce into one more pass. */
  reconcile(): Promise<void> {
    if (this.reconciling) {
      this.again = true;
      return this.reconciling;
    }
    this.reconciling = (async () => {
      try {
        do {
          this.again = false;
          await this.reconcileOnce();
        } while (this.again);
      } finally {
        this.reconciling = null;
      }
    })();
    return this.reconciling;
  }

  private async desired(): Promise<TDesired> {
    // One round trip: the poll runs every few seconds on every replica.
    const rows = await this.db.query<{
      production: string | null;
      shadow: string | null;
      experimentId: string | null;
      experimentName: string | null;
      variants: { name: string; versionId: string; weight: number }[] | null;
    }>(sql`
      SELECT (SELECT "modelVersionId" FROM "ModelAlias" WHERE name = ${PRODUCTION_ALIAS}) AS production,
             (SELECT "modelVersionId" FROM "ModelAlias" WHERE name = ${SHADOW_ALIAS}) AS shadow,
             e.id AS "experimentId", e.name AS "experimentName",
             (SELECT json_agg(json_build_object('name', v.name, 'versionId', v."modelVersionId", 'weight', v.weight) ORDER BY v.name)
                FROM "ExperimentVariant" v WHERE v."experimentId" = e.id) AS variants
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (SELECT id, name FROM "Experiment" WHERE status = 'RUNNING' ORDER BY "startedAt" DESC NULLS LAST LIMIT 1) e ON true`);
    const row = rows[0];
    return {
      production: row?.production ?? null,
      shadow: row?.shadow ?? null,
      experiment:
        row?.experimentId && row.variants?.length
          ? { id: row.experimentId, name: row.experimentName ?? '', variants: row.variants }
          : null,
    };
  }

  private async ensure(versionId: string): Promise<TLoaded | null> {
    const have = this.loaded.get(versionId);
    if (have) return have;
    const failedAt = this.failed.get(versionId);
    if (failedAt && Date.now() - failedAt < FAILED_RETRY_MS) return null;
    const started = performance.now();
    try {
      const classifier = await loadModelVersion(this.db, versionId);
      const model = new LoadedModel(versionId, classifier.manifest.name, classifier, this.batching);
      this.loaded.set(versionId, model);
      this.failed.delete(versionId);
      this.logger.info(
        { version: model.version, ms: Math.round(performance.now() - started) },
        'model loaded and verified',
      );
      return model;
    } catch (e) {
      this.failed.set(versionId, Date.now());
      this.logger.error(
        { versionId, err: (e as Error).message },
        'model failed to load; keeping the current one',
      );
      return null;
    }
  }

  private async reconcileOnce(): Promise<void> {
    const want = await this.desired();
    this.desiredIds = new Set(
      [want.production, want.shadow, ...(want.experiment?.variants.map((v) => v.versionId) ?? [])].filter(
        (id): id is string => id !== null,
      ),
    );
    const production = want.production
      ? ((await this.ensure(want.production)) ?? this.routing.production)
      : null;
    let experiment: TRouting['experiment'] = null;
    if (want.experiment) {
      const variants = [];
      for (const v of want.experiment.variants) {
        const model = await this.ensure(v.versionId);
        if (model) variants.push({ name: v.name, model, weight: v.weight });
      }
      // A half-loaded experiment would skew its own traffic split: all variants or none.
      if (variants.length === want.experiment.variants.length)
        experiment = { id: want.experiment.id, name: want.experiment.name, variants };
    }
    // A shadow that fails to load is simply not scored: it answers no one.
    const shadow = want.shadow ? await this.ensure(want.shadow) : null;
    const before = this.routing;
    this.routing = { production, shadow, experiment };
    if (production && production !== before.production)
      this.onSwap?.({ alias: PRODUCTION_ALIAS, version: production.version });
    if (routingKey(this.routing) !== routingKey(before)) {
      this.swappedAt = new Date();
      this.onRoutingChange?.();
    }
    // Release what no route uses any more; their in-flight requests finish on the old session.
    const inUse = new Set([production, shadow, ...(experiment?.variants.map((v) => v.model) ?? [])]);
    for (const [id, model] of this.loaded) {
      if (!inUse.has(model)) {
        this.loaded.delete(id);
        model.retire();
      }
    }
  }

  async close(): Promise<void> {
    await this.reconciling;
    for (const model of this.loaded.values()) model.retire();
    this.loaded.clear();
    this.routing = { production: null, shadow: null, experiment: null };
  }
}
