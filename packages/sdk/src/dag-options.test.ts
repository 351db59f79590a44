/** dag() and dag.task() checking what they are given: upstream refs, operators, and the DAG's own options. */
import { describe, expect, it } from 'vitest';
import { dag, registeredDags } from './dag';
import { fn, shell } from './operator';

let n = 0;
const id = () => `dag_options_${++n}`;
const echo = () => shell({ command: 'echo' });

describe('upstream', () => {
  it('refuses what is not a list of this DAG’s existing task refs, naming the position', () => {
    const d = dag({ id: 'upstream_checks' });
    const a = d.task('a', echo());
    const other = dag({ id: 'upstream_other' }).task('x', echo());
    const bad = (upstream: unknown, message: string) =>
      expect(() => d.task(`t${++n}`, { upstream } as never, echo())).toThrow(message);
    bad(a, `option upstream must be an array of task refs, got an object`);
    bad(
      [a, { taskId: 'a' }],
      'option upstream[1] must be a task ref returned by dag.task() or a group from dag.group(), got an object',
    );
    bad([{ dagId: 'upstream_checks' }], 'option upstream[0] must be a task ref returned by dag.task()');
    bad(['a'], 'option upstream[0] must be a task ref returned by dag.task() or a group from dag.group(), got "a"');
    bad([other], 'option upstream[0] is task "x" of DAG "upstream_other"; upstream tasks must be in the same DAG');
    bad([{ dagId: 'upstream_checks', taskId: 'later' }], 'option upstream[0] names unknown task "later"');
  });

  it('lists an upstream task named twice once', () => {
    const d = dag({ id: id() });
    const a = d.task('a', echo());
    d.task('b', { upstream: [a, a] }, echo());
    expect(d.toSpec().tasks[1]?.upstream).toEqual(['a']);
  });
});

describe('the operator argument', () => {
  it('refuses what is not an operator, naming the task', () => {
    const d = dag({ id: 'operator_checks' });
    const bad = (operator: unknown, message: string) =>
      expect(() => d.task(`t${++n}`, operator as never)).toThrow(message);
    bad('echo', 'the last argument must be an operator such as fn(...) or shell({...}), got "echo"');
    bad(null, 'the last argument must be an operator such as fn(...) or shell({...}), got null');
    bad({ kind: '', options: {} }, 'operator kind must be a non-empty string');
    bad({ kind: 'x', options: [] }, 'operator options must be an object');
    bad({ kind: 'x', options: {}, run: 'go' }, 'operator run must be a function');
    bad({ kind: 'fn', options: {} }, ': a fn operator needs a function');
  });

  it('keeps a task function to run, and none for a shell task', () => {
    const d = dag({ id: id() });
    const run = () => 1;
    d.task('f', fn(run));
    d.task('s', echo());
    expect(d.getTaskFunction('f')).toBe(run);
    expect(d.getTaskFunction('s')).toBeUndefined();
  });
});

describe('dag() options', () => {
  it('default to UTC, no schedule, 16 active runs and tasks, not paused, no conf schema', () => {
    expect(dag({ id: id() }).toSpec()).toMatchObject({
      timezone: 'UTC',
      schedule: null,
      maxActiveRuns: 16,
      maxActiveTasks: 16,
      pausedOnCreation: false,
      confSchema: null,
      catchup: false,
      tags: [],
      description: null,
      endDate: null,
    });
    expect(dag({ id: id(), schedule: null }).toSpec().schedule).toBeNull();
  });

  it('keep what they are given, reading dates in the DAG time zone', () => {
    const schema = { type: 'object', properties: { day: { type: 'string' } } };
    const spec = dag({
      id: id(),
      description: 'daily load',
      schedule: '@daily',
      timezone: 'Asia/Tokyo',
      start: '2026-01-01',
      end: '2026-12-31',
      maxActiveTasks: 4,
      pausedOnCreation: true,
      confSchema: schema,
      dagrunTimeout: '2h',
    }).toSpec();
    expect(spec).toMatchObject({
      description: 'daily load',
      schedule: '@daily',
      startDate: '2025-12-31T15:00:00.000Z',
      endDate: '2026-12-30T15:00:00.000Z',
      maxActiveTasks: 4,
      pausedOnCreation: true,
      confSchema: schema,
      dagrunTimeoutMs: 7_200_000,
    });
    expect(spec.confSchema).not.toBe(schema);
  });

  it('refuse each malformed option, naming the DAG and the option', () => {
    const bad = (options: object, message: string) =>
      expect(() => dag({ id: 'bad_dag', ...options } as never), message).toThrow(message);
    bad({ timezone: 'Mars/Base' }, 'dag("bad_dag") option timezone "Mars/Base" is not an IANA time zone');
    bad({ timezone: '' }, 'dag("bad_dag") option timezone must be a non-empty string');
    bad({ schedule: '' }, 'dag("bad_dag") option schedule must be a non-empty string');
    bad({ confSchema: [] }, 'dag("bad_dag") option confSchema must be a JSON Schema object, got an array');
    bad({ confSchema: { default: Number.NaN } }, 'dag("bad_dag") option confSchema.default must be a finite number');
    bad({ dagrunTimeout: 0 }, 'dag("bad_dag") option dagrunTimeout must be longer than 0');
    bad({ defaultArgs: 'retry' }, 'dag("bad_dag") option defaultArgs must be an object');
    bad({ defaultArgs: { upstream: [] } }, 'dag("bad_dag") option defaultArgs.upstream is not a known option');
    bad({ description: 5 }, 'dag("bad_dag") option description must be a string, got number 5');
    bad({ end: 'tomorrow' }, 'dag("bad_dag") option end "tomorrow" is not a date');
    bad({ maxActiveTasks: 0 }, 'dag("bad_dag") option maxActiveTasks must be an integer >= 1');
    bad({ pausedOnCreation: 'yes' }, 'dag("bad_dag") option pausedOnCreation must be true or false');
    bad({ id: 'bad dag' }, 'dag() option id "bad dag" is invalid');
    expect(() => dag('etl' as never)).toThrow('dag() options must be an object, got "etl"');
  });

  it('register each DAG once, in creation order', () => {
    const before = registeredDags().length;
    const first = dag({ id: id() });
    const second = dag({ id: id() });
    expect(registeredDags().slice(before)).toEqual([first, second]);
  });
});

describe('task ids', () => {
  it('are checked and unique within the DAG', () => {
    const d = dag({ id: 'task_id_checks' });
    d.task('a', echo());
    expect(() => d.task('a', echo())).toThrow(
      'dag("task_id_checks").task("a"): a task with this id is already defined',
    );
    expect(() => d.task('a b', echo())).toThrow('dag("task_id_checks").task() id "a b" is invalid');
    expect(() => d.task('c', 'x' as never, echo())).toThrow(
      'dag("task_id_checks").task("c") options must be an object',
    );
  });
});
