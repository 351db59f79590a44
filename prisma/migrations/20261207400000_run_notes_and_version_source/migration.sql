-- Notes people leave on a run or on one of its task instances, and the
-- source text of each DAG version, for the UI's code view and version diff.
-- A note's task_id is '' for the run's own note: one note per run and per
-- task instance, replaced in place. Versions stored before this migration
-- have no source (NULL).

-- AlterTable
ALTER TABLE "dag_version" ADD COLUMN "source" TEXT;

-- CreateTable
CREATE TABLE "run_note" (
    "dag_run_id" UUID NOT NULL,
    "task_id" TEXT NOT NULL DEFAULT '',
    "text" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_note_pkey" PRIMARY KEY ("dag_run_id","task_id")
);

-- AddForeignKey
ALTER TABLE "run_note" ADD CONSTRAINT "run_note_dag_run_id_fkey" FOREIGN KEY ("dag_run_id") REFERENCES "dag_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
