/**
 * Time sensors: wait, without a worker slot, until a moment.
 *
 *   etl.task('settle', time.delta({ delta: '30m' }));              // data interval end + 30 min
 *   etl.task('after_close', time.until({ at: '{{ ds }}T18:00:00Z' }));
 */
import { InvalidOptionsError } from '@sluice/core';
import { checkKnownKeys, checkObject, checkString } from './check';
import { parseDuration, type Duration } from './duration';
import { defineOperator } from './operator';
import { compileSensor, type SensorSettings } from './sensor';

/** The moment a time sensor waited for, as an ISO string. */
export interface TimeSensorOutput {
  until: string;
}

export type DeltaSensorInput = Omit<SensorSettings, 'pokeInterval'> & {
  /** How long after the run's data interval ends. */
  delta: Duration;
};

export type UntilSensorInput = Omit<SensorSettings, 'pokeInterval'> & {
  /** An ISO 8601 instant with its zone; templates such as `{{ ds }}` are filled in per run. */
  at: string;
};

function compileTimeSensor(kind: string, input: unknown, key: string) {
  const where = (option: string) => `${kind}() option ${option}`;
  const raw = checkObject(input, `${kind}() options`);
  checkKnownKeys(raw, [key, 'timeout', 'mode'], where);
  return { raw, where, sensor: compileSensor(raw, where) };
}

const delta = defineOperator<DeltaSensorInput, TimeSensorOutput>({
  kind: 'time.delta',
  compile(input) {
    const { raw, where, sensor } = compileTimeSensor('time.delta', input, 'delta');
    return { deltaMs: parseDuration(raw['delta'], where('delta')), sensor };
  },
});

const until = defineOperator<UntilSensorInput, TimeSensorOutput>({
  kind: 'time.until',
  compile(input) {
    const { raw, where, sensor } = compileTimeSensor('time.until', input, 'at');
    const at = checkString(raw['at'], where('at'));
    const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(at);
    if (!at.includes('{{') && (!zoned || Number.isNaN(Date.parse(at))))
      throw new InvalidOptionsError(
        `${where('at')} ${JSON.stringify(at)} is not an ISO 8601 instant with a zone, e.g. 2026-12-06T06:00:00Z`,
      );
    return { at, sensor };
  },
});

export const time = { delta, until };
