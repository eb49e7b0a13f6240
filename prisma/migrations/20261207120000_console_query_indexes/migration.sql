-- Indexes the console's pages read by (a review on 2.4M messages, 60k escalations, 493k shadow
-- predictions found each one a sequential scan).

-- The experiments page joins escalations and feedback to each message.
-- CreateIndex
CREATE INDEX "Escalation_messageId_idx" ON "Escalation"("messageId");

-- CreateIndex
CREATE INDEX "Feedback_messageId_idx" ON "Feedback"("messageId");

-- The shadow page filters on createdAt alone; (modelVersionId, createdAt) cannot serve that.
-- CreateIndex
CREATE INDEX "ShadowPrediction_createdAt_idx" ON "ShadowPrediction"("createdAt");

-- Resolved escalations paged latest first by keyset (resolvedAt, id): partial, as the active queue has
-- its own (status, createdAt). The schema cannot express the WHERE: it declares the columns only, and
-- the schema engine's diff does not compare predicates (as for Message_text_trgm_idx).
-- CreateIndex
CREATE INDEX "Escalation_resolvedAt_id_idx" ON "Escalation"("resolvedAt" DESC, "id" DESC) WHERE "status" = 'RESOLVED';
