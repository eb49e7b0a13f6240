export { maskPiiDeep } from './mask-deep.ts';
export { maskPii, PII_MASKS } from './mask-text.ts';
