-- AlterTable
ALTER TABLE "TrainingRun" ADD COLUMN     "workDirRemovedAt" TIMESTAMP(3);
