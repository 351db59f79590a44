/**
 * Option builders for the S3 sensors. Pure — they only validate and store
 * JSON; the worker's operators call S3 (ListObjectsV2) at each look.
 *
 *   const landed = etl.task('wait_for_logs', s3.keySensor({
 *     bucket: 'raw-logs', prefix: 'app/dt={{ ds }}/', minCount: 24, timeout: '6h', mode: 'skip' }));
 */
import { InvalidOptionsError } from '@sluice/core';
import { checkInt, checkKnownKeys, checkObject, checkString } from './check';
import { defineOperator } from './operator';
import { compileSensor, sensorKeys, type SensorSettings } from './sensor';
import type { AwsTaskSettings } from './aws';
import { compileAwsCommon } from './aws';

interface S3SensorCommon extends SensorSettings {
  aws?: AwsTaskSettings;
  /** A connection defined with `sluice connections set`. */
  connection?: string;
  bucket: string;
  /** Matching objects needed (default 1). */
  minCount?: number;
  /** Bytes each matching object must have at least (default 0); smaller ones do not count. */
  minSize?: number;
}

/**
 * Which objects count: one `key`, every key under a `prefix`, or keys
 * matching a `pattern` (`*` any characters but `/`, `**` any characters,
 * `?` one character). All three take templates such as `{{ ds }}`.
 */
export type KeySensorInput = S3SensorCommon &
  (
    | { key: string; prefix?: never; pattern?: never }
    | { prefix: string; key?: never; pattern?: never }
    | { pattern: string; key?: never; prefix?: never }
  );

/** What a key sensor outputs: the matching keys it saw (at most 1,000) and how many there were. */
export interface S3KeySensorOutput {
  bucket: string;
  keys: string[];
  count: number;
}

export type PartitionSensorInput = S3SensorCommon & {
  /** The table's location, e.g. `warehouse/events/`. */
  prefix: string;
  /** Partition columns and values, in path order: `{ dt: '{{ ds }}', hour: '03' }` → `dt=…/hour=03/`. */
  partition: Record<string, string>;
};

const label = (kind: string) => (option: string) => `${kind}() option ${option}`;

function common(kind: string, input: unknown, keys: readonly string[]) {
  const where = label(kind);
  const raw = checkObject(input, `${kind}() options`);
  checkKnownKeys(raw, [...keys, 'bucket', 'minCount', 'minSize', 'aws', 'connection', ...sensorKeys], where);
  const out: Record<string, unknown> = compileAwsCommon(raw, where);
  out['bucket'] = checkString(raw['bucket'], where('bucket'), {
    re: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    hint: 'a bucket name: 3-63 lowercase letters, digits, dots and hyphens',
  });
  if (raw['minCount'] !== undefined) out['minCount'] = checkInt(raw['minCount'], where('minCount'), 1);
  if (raw['minSize'] !== undefined) out['minSize'] = checkInt(raw['minSize'], where('minSize'), 0);
  out['sensor'] = compileSensor(raw, where);
  return { raw, out, where };
}

/** Waits until objects matching `key`, `prefix` or `pattern` exist (with minCount/minSize); outputs their keys. */
const keySensor = defineOperator<KeySensorInput, S3KeySensorOutput>({
  kind: 's3.keySensor',
  compile(input) {
    const { raw, out, where } = common('s3.keySensor', input, ['key', 'prefix', 'pattern']);
    const given = (['key', 'prefix', 'pattern'] as const).filter((k) => raw[k] !== undefined);
    if (given.length !== 1)
      throw new InvalidOptionsError(
        `${where('key')}: give exactly one of key, prefix or pattern (got ${given.length})`,
      );
    const which = given[0] ?? 'key';
    out[which] = checkString(raw[which], where(which));
    if (which === 'key' && raw['minCount'] !== undefined)
      throw new InvalidOptionsError(`${where('minCount')}: a single key matches one object; use prefix or pattern`);
    return out;
  },
});

/** Waits until a Hive-style partition (`prefix/col=value/…/`) holds objects; outputs their keys. */
const partitionSensor = defineOperator<PartitionSensorInput, S3KeySensorOutput>({
  kind: 's3.keySensor',
  compile(input) {
    const { raw, out, where } = common('s3.partitionSensor', input, ['prefix', 'partition']);
    const prefix = checkString(raw['prefix'], where('prefix'));
    const partition = checkObject(raw['partition'], where('partition'));
    const parts = Object.entries(partition).map(
      ([column, value]) => `${column}=${checkString(value, where(`partition.${column}`))}/`,
    );
    if (parts.length === 0) throw new InvalidOptionsError(`${where('partition')} must name at least one column`);
    out['prefix'] = `${prefix.endsWith('/') ? prefix : `${prefix}/`}${parts.join('')}`;
    return out;
  },
});

export const s3 = { keySensor, partitionSensor };
