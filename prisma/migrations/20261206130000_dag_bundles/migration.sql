-- DAG bundles from git: a DAG version records the commit it was first read
-- from, and each git repository the scheduler reads has a row saying which
-- commit it read last and whether the API asked for a refresh.

-- AlterTable
ALTER TABLE "dag_version" ADD COLUMN "bundle_commit" TEXT;

-- CreateTable
CREATE TABLE "dag_bundle" (
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "commit" TEXT,
    "synced_at" TIMESTAMPTZ(3),
    "refresh_requested_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dag_bundle_pkey" PRIMARY KEY ("name")
);
