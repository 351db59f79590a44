-- A DAG's recent deadline misses (its page), read newest first without touching runs that never missed one.
CREATE INDEX "dag_run_deadline_missed_idx" ON "dag_run"("dag_id", "deadline_missed_at" DESC) WHERE deadline_missed_at IS NOT NULL;
