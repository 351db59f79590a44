/**
 * `emr.addSteps`: submits a task's steps to a cluster once per try and waits
 * for them from `poll`. Each step is named `<name> [<marker>]`. Before
 * submitting, `start` looks at the cluster's steps and adopts this try's own
 * (a worker crashed after AddJobFlowSteps) or an earlier try's that are still
 * going (see `chooseAdoption`); leftovers of earlier tries it does not adopt
 * are cancelled, and when one step fails the rest of the submission is
 * cancelled, so a retry never runs next to an earlier try's steps.
 */
import { AddJobFlowStepsCommand, type EMRClient } from '@aws-sdk/client-emr';
import { emrClientFor } from '../aws/clients';
import { classifyAwsError, rethrowForCancel, settle } from '../aws/errors';
import {
  clientRegion,
  earliestIntent,
  emrClusterConsoleUrl,
  invalidInput,
  recordedRef,
  stringArrayField,
  stringField,
  consoleLink,
  linkSuffix,
} from '../aws/refs';
import { compileOptions, resolveAwsSettings } from '../aws/settings';
import {
  adoptableMarkers,
  type CancelOutcome,
  type ExternalContext,
  type ExternalOperator,
  type ExternalRef,
  type ExternalStatus,
} from '../external';
import { resolveClusterId } from './cluster-target';
import { AddStepsOptions } from './options';
import {
  activeStepStates,
  cancelActiveSteps,
  chooseAdoption,
  describeSteps,
  failedStepStates,
  findMarkedSteps,
  markedName,
  markerOfName,
  statusOfSteps,
} from './steps';

const TYPE = 'emr.step';

async function check(
  emr: EMRClient,
  ref: ExternalRef,
  clusterId: string,
  ctx: Pick<ExternalContext, 'log' | 'signal'>,
): Promise<ExternalStatus> {
  const steps = await describeSteps(emr, clusterId, stringArrayField(ref, 'stepIds'));
  const status = statusOfSteps(ref, clusterId, steps);
  if (status.state === 'failed') {
    // Clean up after ourselves: the rest of this submission must not run on.
    const cancelled = await cancelActiveSteps(emr, clusterId, steps);
    if (cancelled.length > 0)
      ctx.log(`cancelled the remaining steps ${cancelled.join(', ')} after ${status.error.message}`);
  }
  return status;
}

async function start(options: AddStepsOptions, ctx: ExternalContext): Promise<ExternalStatus> {
  let ref: ExternalRef = { type: TYPE, marker: ctx.marker };
  const cluster = resolveClusterId(options, ctx.upstreamOutputs);
  if ('error' in cluster) return invalidInput(ref, cluster.error);
  const clusterId = cluster.value;
  const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
  return settle(
    () => ref,
    ctx.signal,
    async () => {
      const region = await clientRegion(emr);
      ref = { ...ref, clusterId, region, consoleUrl: consoleLink(ctx.aws, emrClusterConsoleUrl(region, clusterId)) };

      const known = recordedRef(ctx, TYPE, ctx.marker);
      if (known !== undefined && stringArrayField(known, 'stepIds').length > 0) {
        ctx.log(`adopting steps ${stringArrayField(known, 'stepIds').join(', ')} this try already submitted`);
        return check(emr, { ...known }, stringField(known, 'clusterId') ?? clusterId, ctx);
      }

      const existing = await findMarkedSteps(emr, clusterId, ctx.taskMarkers, earliestIntent(ctx, Date.now()));
      const adoption = chooseAdoption(existing, ctx.marker, adoptableMarkers(ctx), options.steps.length);
      if (adoption !== undefined) {
        ref = {
          ...ref,
          phase: 'submitted',
          stepIds: adoption.stepIds,
          ...(adoption.marker !== ctx.marker && { adoptedFrom: adoption.marker }),
        };
        await ctx.record(ref);
        ctx.log(
          `adopting steps ${adoption.stepIds.join(', ')} on ${clusterId} (submitted by try marker ${adoption.marker})`,
        );
        return check(emr, ref, clusterId, ctx);
      }
      const leftovers = existing.filter(
        (s) => markerOfName(s.Name) !== ctx.marker && !failedStepStates.has(s.Status?.State ?? ''),
      );
      const cancelled = await cancelActiveSteps(emr, clusterId, leftovers);
      if (cancelled.length > 0) ctx.log(`cancelled steps ${cancelled.join(', ')} left over from earlier tries`);

      ref = { ...ref, phase: 'submitting', intentAt: new Date().toISOString() };
      await ctx.record(ref);
      const out = await emr.send(
        new AddJobFlowStepsCommand({
          JobFlowId: clusterId,
          Steps: options.steps.map((step) => ({
            Name: markedName(step.name, ctx.marker),
            ActionOnFailure: step.actionOnFailure,
            HadoopJarStep: {
              Jar: step.jar,
              Args: step.args,
              ...(step.mainClass !== undefined && { MainClass: step.mainClass }),
            },
          })),
        }),
      );
      ref = { ...ref, phase: 'submitted', stepIds: out.StepIds ?? [], awsState: 'PENDING' };
      await ctx.record(ref);
      ctx.log(`submitted steps ${(out.StepIds ?? []).join(', ')} to ${clusterId}${linkSuffix(ref)}`);
      return { state: 'waiting', ref };
    },
  );
}

export const addStepsOperator: ExternalOperator<AddStepsOptions> = {
  kind: 'emr.addSteps',
  compile: (options) => compileOptions('emr.addSteps', AddStepsOptions, options),
  start,

  async poll(options, ref, ctx) {
    const clusterId = stringField(ref, 'clusterId');
    if (clusterId === undefined || stringArrayField(ref, 'stepIds').length === 0) return start(options, ctx);
    const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
    return settle(
      () => ref,
      ctx.signal,
      () => check(emr, ref, clusterId, ctx),
    );
  },

  async cancel(options, ref, ctx) {
    // A try that never reached AWS has a ref without clusterId; options.clusterId still finds its steps.
    const clusterId = stringField(ref, 'clusterId') ?? options.clusterId;
    if (clusterId === undefined) {
      ctx.log(`no cluster recorded for ${ref.marker}: nothing to cancel`);
      return { ended: true };
    }
    const emr = emrClientFor(resolveAwsSettings(ctx.aws, options.aws));
    return cancelSteps(emr, clusterId, ref, ctx.log);
  },
};

/**
 * Cancels what `ref` submitted that is still pending or running. With only an
 * intent recorded (a crash mid-submit), finds the steps by the ref's marker.
 * Ended when none of them is pending, running or being cancelled.
 */
export async function cancelSteps(
  emr: EMRClient,
  clusterId: string,
  ref: ExternalRef,
  log: (line: string) => void,
): Promise<CancelOutcome> {
  try {
    const stepIds = stringArrayField(ref, 'stepIds');
    const steps =
      stepIds.length > 0
        ? await describeSteps(emr, clusterId, stepIds)
        : await findMarkedSteps(emr, clusterId, [ref.marker], earliestIntent({ previousRefs: [ref] }, Date.now()));
    const cancelled = await cancelActiveSteps(emr, clusterId, steps);
    const going = steps.filter((s) => activeStepStates.has(s.Status?.State ?? ''));
    const states = steps.map((s) => `${s.Id ?? '?'} ${s.Status?.State ?? '?'}`).join(', ');
    if (cancelled.length > 0) log(`requested cancellation of steps ${cancelled.join(', ')} on ${clusterId}`);
    else if (going.length > 0) log(`steps being cancelled on ${clusterId}: ${states}`);
    else
      log(
        steps.length > 0
          ? `steps of ${ref.marker} on ${clusterId} have ended: ${states}`
          : `no step of ${ref.marker} on ${clusterId}`,
      );
    return { ended: going.length === 0 };
  } catch (raw) {
    const { transient, name, message } = classifyAwsError(raw);
    if (transient) rethrowForCancel(raw);
    // The cluster or step is gone (InvalidRequestException): nothing left to stop.
    if (name === 'InvalidRequestException') {
      log(`nothing to cancel on ${clusterId}: ${message}`);
      return { ended: true };
    }
    throw raw;
  }
}
