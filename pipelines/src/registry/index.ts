// Server-only: registry operations the console and the CLI call (PostgreSQL through @acsa/db).
export { RegistryError, type TActor } from '@acsa/db/registry';
export {
  moveHeadline,
  promoteVersion,
  rollbackAlias,
  rollbackTarget,
  type TMoveResult,
  type TRegistryDeps,
} from './alias-moves.ts';
export { experimentAlias, PRODUCTION_ALIAS, SHADOW_ALIAS } from './aliases.ts';
export { compareModels, type TCompareBasis, type TModelComparison } from './compare-models.ts';
export {
  announcerRedis,
  CONSOLE_ALIASES,
  promoteFromConsole,
  rollbackFromConsole,
  type TConsoleAlias,
} from './console-moves.ts';
export { listModels, type TModelList, type TModelListItem } from './list-models.ts';
export { registryView, type TRegistryView } from './registry-view.ts';
export { resolveVersion } from './resolve-version.ts';
export { servingReplicas, type TReplicaAlias, type TServingReplica } from './serving-replicas.ts';
export { showModel, type TModelDetails } from './show-model.ts';
