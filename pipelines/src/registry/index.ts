// Server-only: registry operations the console and the CLI call (PostgreSQL through @acsa/db).
export { RegistryError, type TActor } from '@acsa/db/registry';
export {
  promoteVersion,
  rollbackAlias,
  rollbackTarget,
  type TMoveResult,
  type TRegistryDeps,
} from './alias-moves.ts';
export { experimentAlias, PRODUCTION_ALIAS, SHADOW_ALIAS } from './aliases.ts';
export { listModels, type TModelList, type TModelListItem } from './list-models.ts';
export { resolveVersion } from './resolve-version.ts';
export { showModel, type TModelDetails } from './show-model.ts';
