-- Indexes over task_instance.state only where a query looks for few rows:
-- the unfinished tasks of a run, the active tasks of a DAG, queued and
-- deferred tries. A task that ended leaves them, so every finished task
-- costs three index entries instead of six, and the planner never reads a
-- state index to find rows by id (docs/performance.md).

-- DropIndex
DROP INDEX "task_instance_state_idx";

-- DropIndex
DROP INDEX "task_instance_dag_id_state_idx";

-- DropIndex
DROP INDEX "task_instance_dag_run_id_state_idx";

-- CreateIndex
CREATE INDEX "task_instance_unfinished_idx" ON "task_instance"("dag_run_id", "task_id") WHERE state IN ('none', 'scheduled', 'queued', 'running', 'up_for_retry', 'deferred');

-- CreateIndex
CREATE INDEX "task_instance_active_idx" ON "task_instance"("dag_id") WHERE state IN ('queued', 'running', 'deferred');

-- CreateIndex
CREATE INDEX "task_instance_queued_idx" ON "task_instance"("queued_at") WHERE state = 'queued';

-- CreateIndex
CREATE INDEX "task_instance_deferred_idx" ON "task_instance"("next_retry_at") WHERE state = 'deferred';
