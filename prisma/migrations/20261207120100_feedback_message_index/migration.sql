-- The experiments page joins feedback to each message (see console_query_indexes).
-- CreateIndex
CREATE INDEX "Feedback_messageId_idx" ON "Feedback"("messageId");
