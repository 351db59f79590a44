/** Every external operator by kind: what the worker looks a task's `operator.kind` up in. */
import { addStepsOperator } from './emr/add-steps';
import { createClusterOperator } from './emr/create-cluster';
import { clusterSensorOperator, stepSensorOperator } from './emr/sensors';
import { terminateClusterOperator } from './emr/terminate-cluster';
import type { ExternalOperator } from './external';
import { catalogPartitionSensorOperator } from './glue/catalog-partition-sensor';
import { crawlerOperator } from './glue/crawler';
import { jobRunSensorOperator } from './glue/job-run-sensor';
import { startJobRunOperator } from './glue/start-job-run';
import { keySensorOperator } from './s3/key-sensor';
import { deltaSensorOperator, untilSensorOperator } from './time/sensors';

/**
 * Erases an operator's option type without a cast: every call re-validates
 * the options it is given, so the map's operators accept raw stored options
 * as well as what `compile` returned (compiling is idempotent).
 */
function erased<O>(op: ExternalOperator<O>): [string, ExternalOperator] {
  return [
    op.kind,
    {
      kind: op.kind,
      compile: (options) => op.compile(options),
      start: async (options, ctx) => op.start(op.compile(options), ctx),
      poll: async (options, ref, ctx) => op.poll(op.compile(options), ref, ctx),
      cancel: async (options, ref, ctx) => op.cancel(op.compile(options), ref, ctx),
    },
  ];
}

export const externalOperators: ReadonlyMap<string, ExternalOperator> = new Map([
  erased(createClusterOperator),
  erased(addStepsOperator),
  erased(terminateClusterOperator),
  erased(stepSensorOperator),
  erased(clusterSensorOperator),
  erased(startJobRunOperator),
  erased(crawlerOperator),
  erased(jobRunSensorOperator),
  erased(catalogPartitionSensorOperator),
  erased(keySensorOperator),
  erased(deltaSensorOperator),
  erased(untilSensorOperator),
]);
