-- CreateTable
CREATE TABLE "dag" (
    "dag_id" TEXT NOT NULL,
    "is_paused" BOOLEAN NOT NULL DEFAULT false,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "file_loc" TEXT NOT NULL,
    "current_version_id" UUID,
    "last_parsed_at" TIMESTAMPTZ(3),
    "next_run_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dag_pkey" PRIMARY KEY ("dag_id")
);

-- CreateTable
CREATE TABLE "dag_version" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "dag_id" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "structure" JSONB NOT NULL,
    "bundle" TEXT NOT NULL,
    "file_loc" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dag_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dag_run" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "dag_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "run_type" TEXT NOT NULL,
    "logical_date" TIMESTAMPTZ(3) NOT NULL,
    "data_interval_start" TIMESTAMPTZ(3) NOT NULL,
    "data_interval_end" TIMESTAMPTZ(3) NOT NULL,
    "conf" JSONB NOT NULL DEFAULT '{}',
    "state" TEXT NOT NULL,
    "dag_version_id" UUID NOT NULL,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dag_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_instance" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "dag_run_id" UUID NOT NULL,
    "dag_id" TEXT NOT NULL,
    "task_id" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'none',
    "try_number" INTEGER NOT NULL DEFAULT 0,
    "max_tries" INTEGER NOT NULL,
    "operator" TEXT NOT NULL,
    "pool" TEXT NOT NULL DEFAULT 'default_pool',
    "pool_slots" INTEGER NOT NULL DEFAULT 1,
    "priority_weight" INTEGER NOT NULL DEFAULT 1,
    "queued_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "next_retry_at" TIMESTAMPTZ(3),
    "hostname" TEXT,
    "heartbeat_at" TIMESTAMPTZ(3),
    "external" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_instance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_try" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "task_instance_id" UUID NOT NULL,
    "try_number" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "hostname" TEXT,
    "error" JSONB,
    "external" JSONB,

    CONSTRAINT "task_try_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_log" (
    "id" BIGSERIAL NOT NULL,
    "task_instance_id" UUID NOT NULL,
    "try_number" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_output" (
    "task_instance_id" UUID NOT NULL,
    "try_number" INTEGER NOT NULL,
    "value" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_output_pkey" PRIMARY KEY ("task_instance_id")
);

-- CreateTable
CREATE TABLE "import_error" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "file_loc" TEXT NOT NULL,
    "line" INTEGER,
    "column" INTEGER,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "import_error_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "dag_id" TEXT,
    "run_id" TEXT,
    "task_id" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pool" (
    "name" TEXT NOT NULL,
    "slots" INTEGER NOT NULL,
    "description" TEXT,

    CONSTRAINT "pool_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "scheduler_heartbeat" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scheduler_heartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dag_version_dag_id_hash_key" ON "dag_version"("dag_id", "hash");

-- CreateIndex
CREATE INDEX "dag_run_state_idx" ON "dag_run"("state");

-- CreateIndex
CREATE INDEX "dag_run_dag_id_logical_date_idx" ON "dag_run"("dag_id", "logical_date");

-- CreateIndex
CREATE UNIQUE INDEX "dag_run_dag_id_run_id_key" ON "dag_run"("dag_id", "run_id");

-- CreateIndex
CREATE INDEX "task_instance_state_idx" ON "task_instance"("state");

-- CreateIndex
CREATE INDEX "task_instance_dag_id_task_id_idx" ON "task_instance"("dag_id", "task_id");

-- CreateIndex
CREATE INDEX "task_instance_dag_id_state_idx" ON "task_instance"("dag_id", "state");

-- CreateIndex
CREATE INDEX "task_instance_dag_run_id_state_idx" ON "task_instance"("dag_run_id", "state");

-- CreateIndex
CREATE UNIQUE INDEX "task_instance_dag_run_id_task_id_key" ON "task_instance"("dag_run_id", "task_id");

-- CreateIndex
CREATE UNIQUE INDEX "task_try_task_instance_id_try_number_key" ON "task_try"("task_instance_id", "try_number");

-- CreateIndex
CREATE UNIQUE INDEX "task_log_task_instance_id_try_number_seq_key" ON "task_log"("task_instance_id", "try_number", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "import_error_file_loc_key" ON "import_error"("file_loc");

-- CreateIndex
CREATE INDEX "audit_event_dag_id_at_idx" ON "audit_event"("dag_id", "at");

-- AddForeignKey
ALTER TABLE "dag_version" ADD CONSTRAINT "dag_version_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dag_run" ADD CONSTRAINT "dag_run_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dag_run" ADD CONSTRAINT "dag_run_dag_version_id_fkey" FOREIGN KEY ("dag_version_id") REFERENCES "dag_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_instance" ADD CONSTRAINT "task_instance_dag_run_id_fkey" FOREIGN KEY ("dag_run_id") REFERENCES "dag_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_try" ADD CONSTRAINT "task_try_task_instance_id_fkey" FOREIGN KEY ("task_instance_id") REFERENCES "task_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_log" ADD CONSTRAINT "task_log_task_instance_id_fkey" FOREIGN KEY ("task_instance_id") REFERENCES "task_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_output" ADD CONSTRAINT "task_output_task_instance_id_fkey" FOREIGN KEY ("task_instance_id") REFERENCES "task_instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;
