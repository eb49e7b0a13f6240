// Server-only: starts retraining runs (PostgreSQL + BullMQ).

export { retrainCancelChannel } from './cancel-signal.ts';
export { retrainFlow, type TFlowOptions } from './flow.ts';
export {
  createRetrainClient,
  type TRetrainClient,
  type TRetrainClientOptions,
  type TRetrainRequest,
  type TRetrainRequestResult,
  ZRetrainRequest,
} from './retrain-client.ts';
