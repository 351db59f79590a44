/** DAG version hashes: sha256 over the canonical JSON of the spec and the bundle. */
import { createHash } from 'node:crypto';
import type { DagSpec } from '@sluice/core';

/** JSON with object keys sorted at every level, so equal specs serialise equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function dagVersionHash(spec: DagSpec, bundle: string): string {
  return createHash('sha256').update(canonicalJson(spec)).update('\n').update(bundle).digest('hex');
}
