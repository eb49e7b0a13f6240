-- AlterTable
ALTER TABLE "TrainingRun" ADD COLUMN     "replayedAt" TIMESTAMP(3),
ADD COLUMN     "workDirRemovedAt" TIMESTAMP(3);
