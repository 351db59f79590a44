-- The UI's runs and task-instance pages across DAGs (docs/adr/0022): runs in
-- logical-date order whatever their DAG, and the same for one state.
CREATE INDEX "dag_run_browse_idx" ON "dag_run"("logical_date", "queued_at", "id");

CREATE INDEX "dag_run_state_browse_idx" ON "dag_run"("state", "logical_date", "queued_at", "id");
