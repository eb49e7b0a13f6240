// Server-only: every console mutation's record (who, what, when, before, after).
export { audited, type TAuditEntry } from './audited.ts';
export { auditVocabulary, listAudit, type TAuditFilter } from './list-audit.ts';
