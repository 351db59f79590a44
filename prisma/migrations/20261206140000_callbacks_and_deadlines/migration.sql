-- Callbacks (onFailure, onRetry, onSuccess, onDeadlineMiss) and run
-- deadlines. A callback_run row is one callback to run for one event (a
-- try's end, a missed deadline): recorded once per event by its key, run on
-- a worker with attempts and a timeout, its outcome shown on the run.
-- A run's deadline_at is fixed when it is created; the scheduler fires the
-- runs past it, unfinished and not fired yet, in one statement per pass.

-- AlterTable
ALTER TABLE "dag_run" ADD COLUMN "deadline_at" TIMESTAMPTZ(3),
ADD COLUMN "deadline_missed_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "callback_run" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "key" TEXT NOT NULL,
    "dag_run_id" UUID NOT NULL,
    "task_instance_id" UUID,
    "try_number" INTEGER,
    "event" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL,
    "timeout_ms" INTEGER NOT NULL,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" JSONB,
    "log" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "callback_run_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "callback_run_key_key" ON "callback_run"("key");

-- CreateIndex
CREATE INDEX "callback_run_dag_run_id_idx" ON "callback_run"("dag_run_id");

-- CreateIndex
CREATE INDEX "callback_run_task_instance_id_idx" ON "callback_run"("task_instance_id");

-- CreateIndex
CREATE INDEX "callback_run_due_idx" ON "callback_run"("next_attempt_at") WHERE state IN ('pending', 'running');

-- CreateIndex
CREATE INDEX "dag_run_deadline_idx" ON "dag_run"("deadline_at") WHERE deadline_missed_at IS NULL AND state IN ('queued', 'running');

-- AddForeignKey
ALTER TABLE "callback_run" ADD CONSTRAINT "callback_run_dag_run_id_fkey" FOREIGN KEY ("dag_run_id") REFERENCES "dag_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "callback_run" ADD CONSTRAINT "callback_run_task_instance_id_fkey" FOREIGN KEY ("task_instance_id") REFERENCES "task_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Liveness of each worker process (health): a row per worker, written every
-- interval from its event loop, so a blocked loop shows as a stale row.
-- A scheduler records the interval of its passes, for the same reading.

-- AlterTable
ALTER TABLE "scheduler_heartbeat" ADD COLUMN "interval_ms" INTEGER;

-- CreateTable
CREATE TABLE "worker_heartbeat" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "interval_ms" INTEGER NOT NULL,
    "event_loop_lag_ms" INTEGER NOT NULL DEFAULT 0,
    "running_tries" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "worker_heartbeat_pkey" PRIMARY KEY ("id")
);
