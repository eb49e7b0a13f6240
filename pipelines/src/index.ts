export { announceAliasMove } from './alias-announce.ts';
export {
  type TAliasMoved,
  type TInteractionEvent,
  ZAliasMoved,
  ZInteractionEvent,
} from './interaction-event.ts';
export { MODEL_ALIAS_CHANNEL, QUEUES, type TQueueName } from './queues.ts';
