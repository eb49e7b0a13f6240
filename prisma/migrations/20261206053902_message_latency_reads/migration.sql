-- DropIndex
DROP INDEX "Message_createdAt_idx";

-- CreateIndex
CREATE INDEX "Message_createdAt_role_modelVersionId_latencyMs_idx" ON "Message"("createdAt", "role", "modelVersionId", "latencyMs");
