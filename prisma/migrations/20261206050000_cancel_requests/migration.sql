-- A durable intent to stop a try's external job (an EMR step, a Glue run):
-- recorded in the transaction that takes the try away, retried with backoff
-- by workers until AWS says the job ended, and re-enqueued by the scheduler
-- when Redis lost its job or a worker died mid-attempt.

-- CreateTable
CREATE TABLE "cancel_request" (
    "task_instance_id" UUID NOT NULL,
    "try_number" INTEGER NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "done_at" TIMESTAMPTZ(3),

    CONSTRAINT "cancel_request_pkey" PRIMARY KEY ("task_instance_id","try_number")
);

-- CreateIndex
CREATE INDEX "cancel_request_due_idx" ON "cancel_request"("next_attempt_at") WHERE done_at IS NULL;

-- AddForeignKey
ALTER TABLE "cancel_request" ADD CONSTRAINT "cancel_request_task_instance_id_fkey" FOREIGN KEY ("task_instance_id") REFERENCES "task_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;
