/** Helpers over ExternalRefs and the context: finding what a try recorded, console links, upstream ids. */
import type { AwsSettings, ExternalContext, ExternalRef, ExternalStatus } from '../external';

/** The newest ref of `type` recorded for `marker` (this try's, after a worker crash). */
export function recordedRef(
  ctx: Pick<ExternalContext, 'previousRefs'>,
  type: string,
  marker: string,
): ExternalRef | undefined {
  return ctx.previousRefs.find((ref) => ref.type === type && ref.marker === marker);
}

/** The earliest `intentAt` any try of this task recorded, as epoch ms; `fallback` when none did. */
export function earliestIntent(ctx: Pick<ExternalContext, 'previousRefs'>, fallback: number): number {
  let earliest = fallback;
  for (const ref of ctx.previousRefs) {
    const at = typeof ref['intentAt'] === 'string' ? Date.parse(ref['intentAt']) : Number.NaN;
    if (Number.isFinite(at) && at < earliest) earliest = at;
  }
  return earliest;
}

export function stringField(ref: ExternalRef, key: string): string | undefined {
  const value = ref[key];
  return typeof value === 'string' ? value : undefined;
}

export function stringArrayField(ref: ExternalRef, key: string): string[] {
  const value = ref[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Failed because of what the task was given (a missing upstream output…): retrying cannot help. */
export function invalidInput(ref: ExternalRef, message: string): ExternalStatus {
  return { state: 'failed', ref, retryable: false, error: { name: 'InvalidOptionsError', message } };
}

/**
 * A string field of an upstream task's output (`clusterId` of create_cluster,
 * `jobRunId` of a Glue run…), or an error message saying what is missing.
 */
export function upstreamField(
  upstreamOutputs: ReadonlyMap<string, unknown>,
  taskId: string,
  field: string,
  option: string,
): { value: string } | { error: string } {
  if (!upstreamOutputs.has(taskId)) {
    return {
      error: `${option}: upstream task "${taskId}" recorded no output (is it listed in upstream, and did it succeed?)`,
    };
  }
  const output = upstreamOutputs.get(taskId);
  const value = typeof output === 'object' && output !== null ? (output as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string' || value === '') {
    return { error: `${option}: the output of upstream task "${taskId}" has no ${field}` };
  }
  return { value };
}

/** An array-of-strings field of an upstream output (`stepIds`). */
export function upstreamList(upstreamOutputs: ReadonlyMap<string, unknown>, taskId: string, field: string): string[] {
  const output = upstreamOutputs.get(taskId);
  const value = typeof output === 'object' && output !== null ? (output as Record<string, unknown>)[field] : undefined;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/**
 * Whether calls go to AWS itself: no endpoint override, or one of AWS's own
 * (a FIPS or VPC endpoint under amazonaws.com). An emulator or a local stack
 * has no console, so its jobs get no console link.
 */
export function isRealAws(aws: AwsSettings): boolean {
  const endpoint = aws.endpoint ?? aws.environmentEndpoint;
  if (endpoint === undefined) return true;
  try {
    const host = new URL(endpoint).hostname;
    return /(^|\.)amazonaws\.com(\.cn)?$/.test(host);
  } catch {
    return false;
  }
}

/** A console page, only where it exists: on AWS itself. */
export function consoleLink(aws: AwsSettings, url: string): string | undefined {
  return isRealAws(aws) ? url : undefined;
}

/** `: <console url>` for a log line, or nothing without a console. */
export function linkSuffix(ref: ExternalRef): string {
  return typeof ref.consoleUrl === 'string' ? `: ${ref.consoleUrl}` : '';
}

const consoleBase = (region: string): string => `https://${region}.console.aws.amazon.com`;

/** The EMR console page of a cluster (its steps are listed there). */
export function emrClusterConsoleUrl(region: string, clusterId: string): string {
  return `${consoleBase(region)}/emr/home?region=${region}#/clusterDetails/${clusterId}`;
}

/** The Glue Studio page of one job run. */
export function glueJobRunConsoleUrl(region: string, jobName: string, runId: string): string {
  return `${consoleBase(region)}/gluestudio/home?region=${region}#/job/${encodeURIComponent(jobName)}/run/${runId}`;
}

/** The Glue console page of a crawler. */
export function glueCrawlerConsoleUrl(region: string, crawlerName: string): string {
  return `${consoleBase(region)}/glue/home?region=${region}#/v2/data-catalog/crawlers/view/${encodeURIComponent(crawlerName)}`;
}

/** The region a client resolved (settings or the default chain). */
export async function clientRegion(client: { config: { region: () => Promise<string> } }): Promise<string> {
  return client.config.region();
}
