-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN     "autoPromote" BOOLEAN NOT NULL DEFAULT false;
