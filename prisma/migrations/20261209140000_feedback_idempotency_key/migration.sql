-- AlterTable
ALTER TABLE "Feedback" ADD COLUMN     "idempotencyKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Feedback_conversationId_idempotencyKey_key" ON "Feedback"("conversationId", "idempotencyKey");
