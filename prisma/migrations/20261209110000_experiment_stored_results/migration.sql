-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN     "results" JSONB,
ADD COLUMN     "resultsAt" TIMESTAMP(3);
