export {
  AliasMovedError,
  moveAlias,
  moveAliasIn,
  RegistryError,
  registerModelVersion,
  type TActor,
  type TAliasMove,
  type TAliasMoveInput,
  type TRegisterVersion,
} from './model-registry.ts';
