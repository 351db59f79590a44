-- Assets and data-aware scheduling (docs/adr/0027). An asset is a URI; a
-- task success that updates it, or someone posting it (API, CLI), records
-- an asset event. Each DAG scheduled on the asset gets the event in its
-- queue (asset_dag_run_queue) until the scheduler creates a run for the
-- batch, in the transaction that deletes the queue rows and links the
-- events to the run (dag_run_asset_event). asset_reference says which DAGs
-- (task_id '') are scheduled on an asset and which tasks update it, as the
-- DAG's current version declares.

-- CreateTable
CREATE TABLE "asset" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "uri" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "asset_uri_key" ON "asset"("uri");

-- CreateTable
CREATE TABLE "asset_reference" (
    "asset_id" UUID NOT NULL,
    "dag_id" TEXT NOT NULL,
    "task_id" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "asset_reference_pkey" PRIMARY KEY ("asset_id","dag_id","task_id")
);

-- CreateIndex
CREATE INDEX "asset_reference_dag_id_idx" ON "asset_reference"("dag_id");

-- CreateTable
CREATE TABLE "asset_event" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "asset_id" UUID NOT NULL,
    "extra" JSONB NOT NULL DEFAULT '{}',
    "source_dag_id" TEXT,
    "source_dag_run_id" UUID,
    "source_run_id" TEXT,
    "source_task_id" TEXT,
    "source_try" INTEGER,
    "source_actor" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "asset_event_recent_idx" ON "asset_event"("asset_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "asset_event_created_at_idx" ON "asset_event"("created_at");

-- CreateTable
CREATE TABLE "asset_dag_run_queue" (
    "dag_id" TEXT NOT NULL,
    "asset_event_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_dag_run_queue_pkey" PRIMARY KEY ("dag_id","asset_event_id")
);

-- CreateIndex
CREATE INDEX "asset_dag_run_queue_asset_event_id_idx" ON "asset_dag_run_queue"("asset_event_id");

-- CreateTable
CREATE TABLE "dag_run_asset_event" (
    "dag_run_id" UUID NOT NULL,
    "asset_event_id" UUID NOT NULL,

    CONSTRAINT "dag_run_asset_event_pkey" PRIMARY KEY ("dag_run_id","asset_event_id")
);

-- CreateIndex
CREATE INDEX "dag_run_asset_event_asset_event_id_idx" ON "dag_run_asset_event"("asset_event_id");

-- AddForeignKey
ALTER TABLE "asset_reference" ADD CONSTRAINT "asset_reference_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "asset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_reference" ADD CONSTRAINT "asset_reference_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_event" ADD CONSTRAINT "asset_event_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "asset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_event" ADD CONSTRAINT "asset_event_source_dag_run_id_fkey" FOREIGN KEY ("source_dag_run_id") REFERENCES "dag_run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_dag_run_queue" ADD CONSTRAINT "asset_dag_run_queue_dag_id_fkey" FOREIGN KEY ("dag_id") REFERENCES "dag"("dag_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_dag_run_queue" ADD CONSTRAINT "asset_dag_run_queue_asset_event_id_fkey" FOREIGN KEY ("asset_event_id") REFERENCES "asset_event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_dag_run_queue" ADD CONSTRAINT "asset_dag_run_queue_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "asset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dag_run_asset_event" ADD CONSTRAINT "dag_run_asset_event_dag_run_id_fkey" FOREIGN KEY ("dag_run_id") REFERENCES "dag_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dag_run_asset_event" ADD CONSTRAINT "dag_run_asset_event_asset_event_id_fkey" FOREIGN KEY ("asset_event_id") REFERENCES "asset_event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
