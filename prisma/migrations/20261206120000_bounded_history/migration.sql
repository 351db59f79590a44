-- Reads bounded by what they return, not by history (docs/adr/0014): a
-- DAG's latest runs and each keyset page of its runs are one index range,
-- the timetable's last scheduled interval is one probe.

-- DropIndex
DROP INDEX "dag_run_dag_id_logical_date_idx";

-- CreateIndex
CREATE INDEX "dag_run_latest_idx" ON "dag_run"("dag_id", "logical_date", "queued_at", "id");

-- CreateIndex
CREATE INDEX "dag_run_state_latest_idx" ON "dag_run"("dag_id", "state", "logical_date", "queued_at", "id");

-- CreateIndex
CREATE INDEX "dag_run_scheduled_idx" ON "dag_run"("dag_id", "data_interval_end") WHERE run_type = 'scheduled';

-- Room on each page for the new version of a row, so updates that change
-- no indexed column (heartbeats, a try's end on task_try) stay HOT: no
-- index entry written, the old version pruned without VACUUM.
ALTER TABLE "task_instance" SET (fillfactor = 85);
ALTER TABLE "task_try" SET (fillfactor = 85);

-- A log line is keyed by (task instance, try, seq): the bigint id and its
-- index cost about a fifth of each line's bytes and served no read.
ALTER TABLE "task_log" DROP CONSTRAINT "task_log_pkey";
ALTER TABLE "task_log" DROP COLUMN "id";
DROP INDEX "task_log_task_instance_id_try_number_seq_key";
ALTER TABLE "task_log" ADD CONSTRAINT "task_log_pkey" PRIMARY KEY ("task_instance_id", "try_number", "seq");
