import { describe, expect, it } from 'vitest';
import { awsDagFiles, layeredShellDag, layeredTaskId, shapeFor, upstreamIndexes } from './dag';

describe('chaos DAGs', () => {
  it('makes 50 tasks as 5 layers of 10, each depending on 3 of the previous layer', () => {
    const shape = shapeFor(50);
    expect(shape).toEqual({ layers: 5, width: 10, fanIn: 3 });
    expect(upstreamIndexes(9, shape)).toEqual([0, 2, 9]);
    const source = layeredShellDag(shape, '/tmp/ledger', true).source;
    expect(source.match(/d\.task\(/g)).toHaveLength(50);
    expect(source).toContain(`d.task('${layeredTaskId(4, 9)}', { upstream: [t_3_0, t_3_2, t_3_9] }`);
    expect(source.match(/command: longCommand/g)).toHaveLength(5);
  });

  it('writes the ledger line with run, task, try, pid and time', () => {
    const source = layeredShellDag(shapeFor(10), "/tmp/it's", false).source;
    expect(source).toContain(`$SLUICE_RUN_ID $SLUICE_TASK_ID $SLUICE_TRY_NUMBER $$ start $(date +%s%3N)`);
    expect(source).toContain(`'/tmp/it'\\\\''s'`);
    expect(source).not.toContain('command: longCommand');
  });

  it('has one DAG file per AWS scenario', () => {
    expect(awsDagFiles().map((f) => f.file)).toEqual([
      'chaos_aws_adopt.ts',
      'chaos_aws_clear.ts',
      'chaos_aws_cancel500.ts',
      'chaos_aws_timeout.ts',
    ]);
  });
});
