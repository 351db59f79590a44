-- Branches, short circuits and teardowns. `followed` is what a succeeded
-- branch or short circuit chose: the ids of the direct downstream tasks it
-- follows as a JSON array (NULL = all of them, [] = none); it is written with
-- the try's finish so the choice is as durable as the success. `fails_run`
-- is false for a teardown without failRun: its failure does not fail the run.

-- AlterTable
ALTER TABLE "task_instance" ADD COLUMN "followed" JSONB,
ADD COLUMN "fails_run" BOOLEAN NOT NULL DEFAULT true;
