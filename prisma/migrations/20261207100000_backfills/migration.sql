-- Backfills: runs over a range of a DAG's intervals, created a few at a
-- time by the scheduler. A run created or rerun by a backfill names it
-- (dag_run.backfill_id) and counts against the backfill's max_active_runs,
-- not the DAG's, while the backfill is active. `cursor` is the logical date
-- of the last interval the backfill decided (packages/core backfill.ts).

-- CreateTable
CREATE TABLE "backfill" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "dag_id" TEXT NOT NULL,
    "from_date" TIMESTAMPTZ(3) NOT NULL,
    "to_date" TIMESTAMPTZ(3) NOT NULL,
    "reprocess" TEXT NOT NULL,
    "reverse" BOOLEAN NOT NULL DEFAULT false,
    "max_active_runs" INTEGER NOT NULL,
    "conf" JSONB NOT NULL DEFAULT '{}',
    "created_by" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "cursor" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backfill_pkey" PRIMARY KEY ("id")
);

-- AddCheckConstraint
ALTER TABLE "backfill" ADD CONSTRAINT "backfill_state_check"
  CHECK (state IN ('queued', 'running', 'paused', 'completed', 'cancelled'));

-- AddCheckConstraint
ALTER TABLE "backfill" ADD CONSTRAINT "backfill_reprocess_check"
  CHECK (reprocess IN ('none', 'failed', 'completed'));

-- CreateIndex
CREATE INDEX "backfill_dag_id_created_at_idx" ON "backfill"("dag_id", "created_at");

-- CreateIndex
CREATE INDEX "backfill_active_idx" ON "backfill"("state") WHERE state IN ('queued', 'running', 'paused');

-- AddForeignKey
ALTER TABLE "backfill" ADD CONSTRAINT "backfill_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "dag_run" ADD COLUMN "backfill_id" UUID;

-- CreateIndex
CREATE INDEX "dag_run_backfill_idx" ON "dag_run"("backfill_id", "state") WHERE backfill_id IS NOT NULL;

-- AddForeignKey
ALTER TABLE "dag_run" ADD CONSTRAINT "dag_run_backfill_id_fkey" FOREIGN KEY ("backfill_id") REFERENCES "backfill"("id") ON DELETE SET NULL ON UPDATE CASCADE;
