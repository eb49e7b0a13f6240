-- The console's sign-in limits count the recent password checks of an email and of an address, kept as audit
-- rows (action 'auth.sign-in-attempt'; see pipelines/src/access/sign-in-guard.ts).
CREATE INDEX "AuditLog_action_at_idx" ON "AuditLog"("action", "at");
