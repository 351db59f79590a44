-- Variables: named values tasks read with ctx.variable(name) or a shell
-- task's env. Every value is stored encrypted under SLUICE_SECRET_KEY, the
-- same way as connection credentials; `secret` ones are also never returned
-- by the API and are masked in task logs.

-- CreateTable
CREATE TABLE "variable" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "secret" BOOLEAN NOT NULL DEFAULT false,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "variable_pkey" PRIMARY KEY ("key")
);
