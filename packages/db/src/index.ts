export * from '../../../prisma/generated/client.ts';
export { actorUserId, type TActor, type TAuditWrite, writeAudit } from './audit.ts';
export { bulkInsert } from './bulk-insert.ts';
export { type CreatePrismaOptions, createPrisma } from './client.ts';
export { isRetryableError, isUniqueViolation, sqlStateOf } from './errors.ts';
export { type TransactionClient, type WithTransactionOptions, withTransaction } from './transaction.ts';
export { databaseName, redactUrl, withDatabase, withoutPasswords } from './url.ts';
