-- CreateTable
CREATE TABLE "TurnStat" (
    "modelVersionId" UUID NOT NULL,
    "variant" TEXT NOT NULL DEFAULT '',
    "hour" TIMESTAMP(3) NOT NULL,
    "turns" INTEGER NOT NULL DEFAULT 0,
    "escalations" INTEGER NOT NULL DEFAULT 0,
    "lowConfidence" INTEGER NOT NULL DEFAULT 0,
    "outOfScope" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TurnStat_pkey" PRIMARY KEY ("modelVersionId","variant","hour")
);

-- CreateTable
CREATE TABLE "InteractionReceipt" (
    "messageId" UUID NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InteractionReceipt_pkey" PRIMARY KEY ("messageId")
);

-- CreateIndex
CREATE INDEX "TurnStat_hour_idx" ON "TurnStat"("hour");

-- CreateIndex
CREATE INDEX "InteractionReceipt_receivedAt_idx" ON "InteractionReceipt"("receivedAt");
