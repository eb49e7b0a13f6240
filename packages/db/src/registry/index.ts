export {
  moveAlias,
  RegistryError,
  registerModelVersion,
  type TActor,
  type TAliasMove,
  type TRegisterVersion,
} from './model-registry.ts';
