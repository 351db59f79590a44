-- CreateTable
CREATE TABLE "connection" (
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "region" TEXT,
    "role_arn" TEXT,
    "endpoint" TEXT,
    "description" TEXT,
    "secret" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connection_pkey" PRIMARY KEY ("name")
);
