/** Inputs of the EMR operations the emulator serves, as the SDK sends them. */
import { z } from 'zod';

const ActionOnFailure = z.enum(['TERMINATE_JOB_FLOW', 'TERMINATE_CLUSTER', 'CANCEL_AND_WAIT', 'CONTINUE']);

const ClusterState = z.enum([
  'STARTING',
  'BOOTSTRAPPING',
  'RUNNING',
  'WAITING',
  'TERMINATING',
  'TERMINATED',
  'TERMINATED_WITH_ERRORS',
]);

const StepState = z.enum(['PENDING', 'CANCEL_PENDING', 'RUNNING', 'COMPLETED', 'CANCELLED', 'FAILED', 'INTERRUPTED']);

const KeyValue = z.object({ Key: z.string(), Value: z.string().optional() });

export const StepConfig = z.object({
  Name: z.string().min(1).max(256),
  ActionOnFailure: ActionOnFailure.optional(),
  HadoopJarStep: z.object({
    Jar: z.string().min(1),
    Args: z.array(z.string()).optional(),
    MainClass: z.string().optional(),
    Properties: z.array(KeyValue).optional(),
  }),
});
export type StepConfig = z.infer<typeof StepConfig>;

export const RunJobFlowInput = z.object({
  Name: z.string().min(1).max(256),
  LogUri: z.string().optional(),
  ReleaseLabel: z.string().optional(),
  ServiceRole: z.string().optional(),
  JobFlowRole: z.string().optional(),
  Instances: z.looseObject({
    KeepJobFlowAliveWhenNoSteps: z.boolean().optional(),
    TerminationProtected: z.boolean().optional(),
  }),
  Steps: z.array(StepConfig).max(256).optional(),
  Applications: z.array(z.looseObject({ Name: z.string().optional() })).optional(),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string().optional() })).optional(),
});

export const AddJobFlowStepsInput = z.object({
  JobFlowId: z.string().min(1),
  Steps: z.array(StepConfig).min(1).max(256),
});

export const ClusterIdInput = z.object({ ClusterId: z.string().min(1) });

export const ListClustersInput = z.object({
  ClusterStates: z.array(ClusterState).optional(),
  CreatedAfter: z.number().optional(),
  CreatedBefore: z.number().optional(),
  Marker: z.string().optional(),
});

export const TerminateJobFlowsInput = z.object({ JobFlowIds: z.array(z.string()).min(1) });

export const ListStepsInput = z.object({
  ClusterId: z.string().min(1),
  StepStates: z.array(StepState).optional(),
  StepIds: z.array(z.string()).optional(),
  Marker: z.string().optional(),
});

export const DescribeStepInput = z.object({ ClusterId: z.string().min(1), StepId: z.string().min(1) });

export const CancelStepsInput = z.object({
  ClusterId: z.string().min(1),
  StepIds: z.array(z.string()).min(1),
  StepCancellationOption: z.enum(['SEND_INTERRUPT', 'TERMINATE_PROCESS']).optional(),
});
