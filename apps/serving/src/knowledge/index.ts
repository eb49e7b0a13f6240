export { createKnowledge, type TKnowledgeOptions } from './create-knowledge.ts';
export type * from './types.ts';
