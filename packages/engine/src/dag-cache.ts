/**
 * DAG versions are immutable, so each is read and parsed once per process
 * and kept with the indexes the engine needs (downstream map, task lookup).
 */
import { DagSpec, shortCircuitsAbove, type TaskSpec } from '@sluice/core';
import { readDagVersion, type Queryable } from '@sluice/db';

export interface CachedDagVersion {
  versionId: string;
  hash: string;
  spec: DagSpec;
  bundle: string;
  tasks: ReadonlyMap<string, TaskSpec>;
  /** task id → ids of the tasks that list it as upstream. */
  downstream: ReadonlyMap<string, readonly string[]>;
  /** Short circuits that skip everything below them: a fast-path pass reads them with the tasks it evaluates. */
  skippingShortCircuits: readonly string[];
}

export class DagVersionCache {
  private readonly versions = new Map<string, Promise<CachedDagVersion>>();

  constructor(private readonly db: Queryable) {}

  get(versionId: string): Promise<CachedDagVersion> {
    let hit = this.versions.get(versionId);
    if (!hit) {
      hit = this.load(versionId);
      hit.catch(() => this.versions.delete(versionId));
      this.versions.set(versionId, hit);
    }
    return hit;
  }

  private async load(versionId: string): Promise<CachedDagVersion> {
    const row = await readDagVersion(this.db, versionId);
    if (!row) throw new Error(`DAG version ${versionId} does not exist`);
    const spec = DagSpec.parse(row.structure);
    return indexDagVersion(versionId, row.hash, spec, row.bundle);
  }
}

export function indexDagVersion(versionId: string, hash: string, spec: DagSpec, bundle: string): CachedDagVersion {
  const downstream = new Map<string, string[]>();
  for (const t of spec.tasks) downstream.set(t.taskId, []);
  for (const t of spec.tasks) for (const up of t.upstream) downstream.get(up)?.push(t.taskId);
  return {
    versionId,
    hash,
    spec,
    bundle,
    tasks: new Map(spec.tasks.map((t) => [t.taskId, t])),
    downstream,
    skippingShortCircuits: [...new Set([...shortCircuitsAbove(spec).values()].flat())],
  };
}

/** The task and everything downstream of it, transitively. */
export function withDownstream(version: CachedDagVersion, taskId: string): string[] {
  const seen = new Set<string>([taskId]);
  const stack = [taskId];
  while (stack.length > 0) {
    const id = stack.pop();
    if (id === undefined) break;
    for (const d of version.downstream.get(id) ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        stack.push(d);
      }
    }
  }
  return [...seen];
}
