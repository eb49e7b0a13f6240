-- DropIndex
DROP INDEX "ReviewItem_reason_status_priority_idx";

-- DropIndex
DROP INDEX "ReviewItem_status_priority_idx";

-- CreateIndex
CREATE INDEX "ReviewItem_status_priority_createdAt_idx" ON "ReviewItem"("status", "priority" DESC, "createdAt");

-- CreateIndex
CREATE INDEX "ReviewItem_reason_status_priority_createdAt_idx" ON "ReviewItem"("reason", "status", "priority" DESC, "createdAt");
