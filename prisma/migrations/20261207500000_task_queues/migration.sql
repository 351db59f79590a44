-- Worker queues: a task instance keeps the queue its task names (copied from
-- the DAG version at run creation, like its pool), so whatever enqueues its
-- tries — a scheduling pass, the reconciler — sends them to that queue's
-- workers without reading the DAG version.

-- AlterTable
ALTER TABLE "task_instance" ADD COLUMN "queue" TEXT NOT NULL DEFAULT 'default';
