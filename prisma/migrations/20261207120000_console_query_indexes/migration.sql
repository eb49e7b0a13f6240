-- Indexes the console's pages read by (a review on 2.4M messages, 60k escalations, 493k shadow
-- predictions found each one a sequential scan). One table per migration: each migration is one
-- transaction, and an index build holds writes to its table until that transaction ends, so a table is
-- held only for its own builds (the feedback and shadow indexes follow in migrations of their own).

-- The experiments page joins escalations to each message.
-- CreateIndex
CREATE INDEX "Escalation_messageId_idx" ON "Escalation"("messageId");

-- Resolved escalations paged latest first by keyset (resolvedAt, id): partial, as the active queue has
-- its own (status, createdAt). The schema cannot express the WHERE: it declares the columns only, and
-- the schema engine's diff does not compare predicates (as for Message_text_trgm_idx).
-- CreateIndex
CREATE INDEX "Escalation_resolvedAt_id_idx" ON "Escalation"("resolvedAt" DESC, "id" DESC) WHERE "status" = 'RESOLVED';
