-- An instance of a mapped task that ends asks whether a sibling waits for a
-- slot (state scheduled) before passing over them; this keeps that one probe
-- instead of a walk over every unfinished instance of the task.
CREATE INDEX "task_instance_scheduled_idx" ON "task_instance"("dag_run_id", "task_id") WHERE state = 'scheduled';
