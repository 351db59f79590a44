-- A try stopped by a user (clear, mark) or by a run's timeout is closed in
-- the transaction that moves its task instance; stopped_by says who or what
-- stopped it ("cleared by alice", "run timed out"). NULL for a try that
-- ended on its own.
-- States are checked by Postgres too: exactly the states of
-- packages/core/src/states.ts (schema-match.test.ts compares the lists).

-- AlterTable
ALTER TABLE "task_try" ADD COLUMN "stopped_by" TEXT;

-- AddCheckConstraint
ALTER TABLE "dag_run" ADD CONSTRAINT "dag_run_state_check"
  CHECK (state IN ('queued', 'running', 'success', 'failed'));

-- AddCheckConstraint
ALTER TABLE "task_instance" ADD CONSTRAINT "task_instance_state_check"
  CHECK (state IN ('none', 'scheduled', 'queued', 'running', 'success', 'failed', 'up_for_retry', 'upstream_failed', 'skipped', 'deferred'));

-- AddCheckConstraint
ALTER TABLE "task_try" ADD CONSTRAINT "task_try_state_check"
  CHECK (state IN ('none', 'scheduled', 'queued', 'running', 'success', 'failed', 'up_for_retry', 'upstream_failed', 'skipped', 'deferred'));
