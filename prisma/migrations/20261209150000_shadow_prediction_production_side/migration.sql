-- What production predicted for the same message, copied onto its shadow prediction when serving writes it,
-- so the shadow page's summary and pairs read ShadowPrediction alone: joined to Message, each of its queries
-- hash-joined a seq scan of every message (~640 ms of a ~2 s page at 1,000,000 messages), and a time bound
-- on Message does not narrow it. Null in rows written before this (backfilled below) and by a serving
-- replica older than it during a rolling deploy: the shadow page joins Message for those rows only.
-- No foreign key on productionModelVersionId: it is a copy of Message."modelVersionId", which has one, and
-- a second key would cost every shadow insert a lookup for nothing.
-- AlterTable
ALTER TABLE "ShadowPrediction" ADD COLUMN     "productionIntent" TEXT,
ADD COLUMN     "productionOutOfScope" BOOLEAN,
ADD COLUMN     "productionModelVersionId" UUID;

-- Backfill: one pass over the table (a rewrite of each row) within this migration's transaction, which
-- holds shadow writes meanwhile; those are off the turn's path, buffered by serving's shadow store.
UPDATE "ShadowPrediction" s
SET "productionIntent" = m.intent,
    "productionOutOfScope" = m."outOfScope",
    "productionModelVersionId" = m."modelVersionId"
FROM "Message" m
WHERE m.id = s."messageId";

-- The rows that lack production's side, which the shadow page joins to Message: partial, so it stays
-- empty (built empty, after the backfill) and costs serving's inserts nothing while they write it. The
-- schema cannot express the WHERE: it declares the column only, and the schema engine's diff does not
-- compare predicates (as for Message_text_trgm_idx).
-- CreateIndex
CREATE INDEX "ShadowPrediction_createdAt_production_unknown_idx" ON "ShadowPrediction"("createdAt") WHERE "productionIntent" IS NULL;
