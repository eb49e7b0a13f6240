-- The shadow page filters on createdAt alone; (modelVersionId, createdAt) cannot serve that (see
-- console_query_indexes). Its own migration: ShadowPrediction is the largest of these tables, and its build
-- holds only shadow's writes, which are off the turn's path.
-- CreateIndex
CREATE INDEX "ShadowPrediction_createdAt_idx" ON "ShadowPrediction"("createdAt");
