/**
 * A worker dies (SIGKILL) right after AWS accepted add_steps' step, on the
 * task's last try. Its heartbeat stops; the try must be handed to another
 * worker, which adopts the step, and terminate_cluster (all_done) must not
 * run until the step has really finished.
 */
import { defineKillOnAnswerScenario } from './emr-cluster';

defineKillOnAnswerScenario('the step is adopted and the cluster terminated only after it completed', 'AddJobFlowSteps');
