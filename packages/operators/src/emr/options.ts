/**
 * Options of the EMR operators as stored in the DagSpec (what the SDK
 * builders in @sluice/sdk `emr.*` produce), validated once by `compile`.
 * A cluster is named directly (`clusterId`) or by the upstream task whose
 * output carries it (`clusterFrom`: create_cluster, add_steps).
 */
import { z } from 'zod';
import { awsOptionFields } from '../aws/settings';

/** Room left in EMR's 256-character step/cluster name for ` [<marker>]`. */
export const MAX_NAME_LENGTH = 220;

const ClusterTarget = {
  clusterId: z
    .string()
    .regex(/^j-[A-Z0-9]+$/, 'must be an EMR cluster id such as j-2AXXXXXXGAPLF')
    .optional(),
  clusterFrom: z.string().min(1, 'must name an upstream task').optional(),
};

function oneCluster(
  value: { clusterId?: string | undefined; clusterFrom?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((value.clusterId === undefined) === (value.clusterFrom === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['clusterId'], message: 'give exactly one of clusterId and clusterFrom' });
  }
}

export const ActionOnFailure = z.enum(['CONTINUE', 'CANCEL_AND_WAIT', 'TERMINATE_CLUSTER']);

export const EmrStep = z.strictObject({
  name: z.string().min(1).max(MAX_NAME_LENGTH),
  jar: z.string().min(1).default('command-runner.jar'),
  args: z.array(z.string()),
  mainClass: z.string().min(1).optional(),
  /** Default CONTINUE: a failed step fails the task, not a shared cluster. */
  actionOnFailure: ActionOnFailure.default('CONTINUE'),
});
export type EmrStep = z.infer<typeof EmrStep>;

export const AddStepsOptions = z
  .strictObject({ ...ClusterTarget, steps: z.array(EmrStep).min(1).max(256), ...awsOptionFields })
  .superRefine(oneCluster);
export type AddStepsOptions = z.infer<typeof AddStepsOptions>;

export const CreateClusterOptions = z.strictObject({
  name: z.string().min(1).max(MAX_NAME_LENGTH),
  releaseLabel: z.string().regex(/^emr-\d+\.\d+\.\d+$/, 'must be a release label such as emr-7.2.0'),
  instances: z.strictObject({
    masterInstanceType: z.string().min(1),
    slaveInstanceType: z.string().min(1).optional(),
    instanceCount: z.number().int().min(1).max(256),
    /** Default true: the cluster waits for steps and is ended by emr.terminateCluster. */
    keepAlive: z.boolean().default(true),
    terminationProtected: z.boolean().default(false),
    ec2SubnetId: z.string().min(1).optional(),
    ec2KeyName: z.string().min(1).optional(),
  }),
  applications: z.array(z.string().min(1)).default([]),
  tags: z.record(z.string().min(1), z.string()).default({}),
  logUri: z
    .string()
    .regex(/^s3n?:\/\//, 'must be an s3:// URI')
    .optional(),
  serviceRole: z.string().min(1).default('EMR_DefaultRole'),
  jobFlowRole: z.string().min(1).default('EMR_EC2_DefaultRole'),
  ...awsOptionFields,
});
export type CreateClusterOptions = z.infer<typeof CreateClusterOptions>;

export const TerminateClusterOptions = z.strictObject({ ...ClusterTarget, ...awsOptionFields }).superRefine(oneCluster);
export type TerminateClusterOptions = z.infer<typeof TerminateClusterOptions>;

export const StepSensorOptions = z
  .strictObject({
    ...ClusterTarget,
    stepId: z
      .string()
      .regex(/^s-[A-Z0-9]+$/, 'must be an EMR step id such as s-1XXXXXXXXXXXX')
      .optional(),
    /** Upstream task whose output has `stepIds` (and `clusterId`, used when no cluster is given). */
    stepFrom: z.string().min(1, 'must name an upstream task').optional(),
    ...awsOptionFields,
  })
  .superRefine((value, ctx) => {
    if ((value.stepId === undefined) === (value.stepFrom === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['stepId'], message: 'give exactly one of stepId and stepFrom' });
    }
    if (value.clusterId !== undefined && value.clusterFrom !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['clusterId'], message: 'give at most one of clusterId and clusterFrom' });
    }
    if (value.stepId !== undefined && value.clusterId === undefined && value.clusterFrom === undefined) {
      ctx.addIssue({ code: 'custom', path: ['clusterId'], message: 'stepId needs clusterId or clusterFrom' });
    }
  });
export type StepSensorOptions = z.infer<typeof StepSensorOptions>;

export const ClusterState = z.enum([
  'STARTING',
  'BOOTSTRAPPING',
  'RUNNING',
  'WAITING',
  'TERMINATING',
  'TERMINATED',
  'TERMINATED_WITH_ERRORS',
]);

export const ClusterSensorOptions = z
  .strictObject({
    ...ClusterTarget,
    targetStates: z.array(ClusterState).min(1).default(['WAITING', 'RUNNING']),
    ...awsOptionFields,
  })
  .superRefine(oneCluster);
export type ClusterSensorOptions = z.infer<typeof ClusterSensorOptions>;
