-- CreateTable
CREATE TABLE "secret_key_check" (
    "id" INTEGER NOT NULL,
    "check" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotated_at" TIMESTAMPTZ(3),

    CONSTRAINT "secret_key_check_pkey" PRIMARY KEY ("id")
);
