-- The datasets page counts the 30 newest versions' examples per (intent, source, split). Without this
-- each view seq-scanned all of Example; with it each version is an index-only scan read in group order.
-- (datasetVersionId, split) stays: training reads one split of a version.
-- CreateIndex
CREATE INDEX "Example_datasetVersionId_intent_source_split_idx" ON "Example"("datasetVersionId", "intent", "source", "split");
