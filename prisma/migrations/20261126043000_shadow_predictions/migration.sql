-- CreateTable
CREATE TABLE "ShadowPrediction" (
    "messageId" UUID NOT NULL,
    "modelVersionId" UUID NOT NULL,
    "intent" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "topK" JSONB NOT NULL,
    "outOfScope" BOOLEAN NOT NULL,
    "lowConfidence" BOOLEAN NOT NULL,
    "latencyMs" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShadowPrediction_pkey" PRIMARY KEY ("messageId","modelVersionId")
);

-- CreateIndex
CREATE INDEX "ShadowPrediction_modelVersionId_createdAt_idx" ON "ShadowPrediction"("modelVersionId", "createdAt");

-- AddForeignKey
ALTER TABLE "ShadowPrediction" ADD CONSTRAINT "ShadowPrediction_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShadowPrediction" ADD CONSTRAINT "ShadowPrediction_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
