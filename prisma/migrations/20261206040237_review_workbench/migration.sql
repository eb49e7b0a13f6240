-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ReviewReason" ADD VALUE 'NEGATIVE_FEEDBACK';
ALTER TYPE "ReviewReason" ADD VALUE 'MANUAL';

-- AlterTable
ALTER TABLE "Escalation" ADD COLUMN     "resolutionNote" TEXT,
ADD COLUMN     "takenAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Label" ADD COLUMN     "prediction" JSONB;

-- AlterTable
ALTER TABLE "ReviewAssignment" ADD COLUMN     "skippedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ReviewItem" ADD COLUMN     "adjudicatedAt" TIMESTAMP(3),
ADD COLUMN     "adjudicatedById" UUID,
ADD COLUMN     "needsAdjudication" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ReviewSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "overlapShare" DOUBLE PRECISION NOT NULL DEFAULT 0.1,
    "lowConfidence" DOUBLE PRECISION NOT NULL DEFAULT 0.6,

    CONSTRAINT "ReviewSettings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReviewItem_reason_status_priority_idx" ON "ReviewItem"("reason", "status", "priority" DESC);
