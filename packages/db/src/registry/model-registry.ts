import { createHash } from 'node:crypto';
import type { AliasMoveKind, ModelVersion, PrismaClient } from '../../../../prisma/generated/client.ts';
import { actorUserId, type TActor, writeAudit } from '../audit.ts';
import { type TransactionClient, withTransaction } from '../transaction.ts';

export type { TActor };

export type TRegisterVersion = {
  /** Human-facing unique name, e.g. "intent-2026.11.26-1". */
  version: string;
  kind: string;
  /** The bundle manifest (JSON); its model.sha256 must match the bytes. */
  manifest: {
    model: { sha256: string };
    labels: string[];
    featurizer: { version: number };
    metrics?: unknown;
  };
  onnx: Uint8Array;
  datasetVersionId?: string | null;
  trainingRunId?: string | null;
  parentVersionId?: string | null;
  createdById?: string | null;
};

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The alias no longer points where the caller saw it: someone else moved it in between. */
export class AliasMovedError extends RegistryError {
  constructor(
    readonly alias: string,
    /** The version names, as the caller saw it and as it is now (null: pointing at nothing). */
    readonly expected: string | null,
    readonly current: string | null,
  ) {
    super(`alias "${alias}" points at ${current ?? 'nothing'}, not ${expected ?? 'nothing'} as expected`);
    this.name = 'AliasMovedError';
  }
}

/**
 * Registers an immutable model version. Idempotent: registering the same name with the same bytes again
 * returns the existing row (a retried pipeline step never creates a second version); the same name with
 * other bytes is refused. In a transaction, losing a race to another registration of the name fails the
 * transaction (PostgreSQL aborts it): a caller there keeps registrations of one name apart itself.
 */
export async function registerModelVersion(
  prisma: PrismaClient | TransactionClient,
  v: TRegisterVersion,
): Promise<ModelVersion> {
  const sha256 = createHash('sha256').update(v.onnx).digest('hex');
  if (sha256 !== v.manifest.model.sha256) {
    throw new RegistryError(
      `the manifest of ${v.version} describes other bytes (manifest ${v.manifest.model.sha256}, bytes ${sha256})`,
    );
  }
  const existing = await prisma.modelVersion.findUnique({ where: { version: v.version } });
  if (existing) {
    if (existing.sha256 === sha256) return existing;
    throw new RegistryError(
      `model version ${v.version} already exists with other bytes; versions are immutable`,
    );
  }
  try {
    return await prisma.modelVersion.create({
      data: {
        version: v.version,
        kind: v.kind,
        artifact: new Uint8Array(v.onnx),
        manifest: v.manifest as object,
        sha256,
        sizeBytes: v.onnx.byteLength,
        featurizerVersion: v.manifest.featurizer.version,
        labels: v.manifest.labels,
        metrics: (v.manifest.metrics ?? {}) as object,
        datasetVersionId: v.datasetVersionId ?? null,
        trainingRunId: v.trainingRunId ?? null,
        parentVersionId: v.parentVersionId ?? null,
        createdById: v.createdById ?? null,
      },
    });
  } catch (e) {
    // Two registrations raced: the other one won; same bytes is the same version.
    const again = await prisma.modelVersion.findUnique({ where: { version: v.version } });
    if (again?.sha256 === sha256) return again;
    throw e;
  }
}

export type TAliasMove = {
  alias: string;
  fromVersionId: string | null;
  toVersionId: string;
  changed: boolean;
};

export type TAliasMoveInput = {
  alias: string;
  toVersionId: string;
  kind: AliasMoveKind;
  actor: TActor;
  reason?: string | null;
  /**
   * The version name the caller saw the alias at (null: pointing at nothing), for a move someone decided
   * on from what they saw. Checked with the alias row locked, so of two moves decided from the same state
   * exactly one happens and the other throws AliasMovedError; checked before the lock, both could pass
   * and the second would silently replace the first. Left out, the move happens from wherever it is.
   */
  expectedFrom?: string | null;
};

/**
 * Points an alias at a version and records the move in the alias history and the audit log, in one
 * transaction with the alias row locked, so concurrent promotions are serialised and none is unrecorded.
 * The caller announces the move (Redis pub/sub) after it returns.
 */
export function moveAlias(prisma: PrismaClient, move: TAliasMoveInput): Promise<TAliasMove> {
  return withTransaction(prisma, (tx) => moveAliasIn(tx, move));
}

/**
 * The same move inside a transaction of the caller's (Serializable, as `withTransaction`'s are), for a
 * caller whose own writes must commit with the move or not at all.
 */
export async function moveAliasIn(tx: TransactionClient, move: TAliasMoveInput): Promise<TAliasMove> {
  const target = await tx.modelVersion.findUnique({
    where: { id: move.toVersionId },
    select: { id: true, version: true },
  });
  if (!target) throw new RegistryError(`no model version ${move.toVersionId}`);
  const rows = await tx.$queryRaw<{ modelVersionId: string; version: string }[]>`
    SELECT a."modelVersionId", v.version FROM "ModelAlias" a
    JOIN "ModelVersion" v ON v.id = a."modelVersionId"
    WHERE a.name = ${move.alias} FOR UPDATE OF a`;
  const from = rows[0]?.modelVersionId ?? null;
  const fromVersion = rows[0]?.version ?? null;
  if (move.expectedFrom !== undefined && fromVersion !== move.expectedFrom)
    throw new AliasMovedError(move.alias, move.expectedFrom, fromVersion);
  if (from === move.toVersionId)
    return { alias: move.alias, fromVersionId: from, toVersionId: move.toVersionId, changed: false };
  await tx.modelAlias.upsert({
    where: { name: move.alias },
    create: { name: move.alias, modelVersionId: move.toVersionId },
    update: { modelVersionId: move.toVersionId },
  });
  await tx.aliasHistory.create({
    data: {
      alias: move.alias,
      kind: move.kind,
      fromVersionId: from,
      toVersionId: move.toVersionId,
      actorId: actorUserId(move.actor),
      actor: move.actor.display,
      reason: move.reason ?? null,
    },
  });
  await writeAudit(tx, {
    actor: move.actor,
    action: `model.alias.${move.kind.toLowerCase()}`,
    targetType: 'ModelAlias',
    targetId: move.alias,
    data: { from, to: move.toVersionId, toVersion: target.version, reason: move.reason ?? null },
  });
  return { alias: move.alias, fromVersionId: from, toVersionId: move.toVersionId, changed: true };
}
