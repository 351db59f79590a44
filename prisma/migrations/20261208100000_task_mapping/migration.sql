-- Dynamic task mapping: a mapped task has one task instance per item of its
-- list. Until it is expanded it has one row with map_index -1 (as every
-- unmapped task does); expansion turns that row into index 0 and adds
-- 1..n-1, each with the item it runs with, so the worker and the UI read it
-- from the row.

-- AlterTable
ALTER TABLE "task_instance" ADD COLUMN "map_index" INTEGER NOT NULL DEFAULT -1;
ALTER TABLE "task_instance" ADD COLUMN "map_item" JSONB;

-- One row per task and map index in a run.
DROP INDEX "task_instance_dag_run_id_task_id_key";
CREATE UNIQUE INDEX "task_instance_dag_run_id_task_id_map_index_key" ON "task_instance"("dag_run_id", "task_id", "map_index");
