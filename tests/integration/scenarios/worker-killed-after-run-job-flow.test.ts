/**
 * A worker dies (SIGKILL) right after AWS accepted create_cluster's
 * RunJobFlow, before it could write the cluster id down. The try must be
 * handed to another worker, which adopts the cluster by its marker; nothing
 * downstream may be marked upstream_failed meanwhile, and the cluster is
 * terminated at the end, not left WAITING.
 */
import { defineKillOnAnswerScenario } from './emr-cluster';

defineKillOnAnswerScenario('the cluster is adopted, the step runs on it, and it is terminated', 'RunJobFlow');
