/**
 * What each statement declares it may do to states is legal in core's
 * transition table, and the state guards written in the statements' SQL are
 * the `from` sets they declare: a statement cannot move a state the table
 * forbids without this test failing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  canTransitionRun,
  canTransitionTask,
  dagRunStates,
  failedWithRunTaskStates,
  taskInstanceStates,
  unfinishedTaskStates,
  type DagRunState,
  type TaskInstanceState,
} from '@sluice/core';
import * as clear from './clearTaskInstances';
import * as mark from './markStates';
import { statementMoves } from './moves';
import type { DeclaredMove } from './states';

const sqlDir = fileURLToPath(new URL('.', import.meta.url));

/** Each step of a move, from each of its `from` states through its `via` states to `to`. */
function steps<S extends string>(move: DeclaredMove<S>): Array<[S, S]> {
  return move.from.flatMap((from) => {
    const path = [from, ...(move.via ?? []), move.to];
    return path.slice(1).map((to, i): [S, S] => [path[i] ?? from, to]);
  });
}

/** The states listed by each `<column> IN (…)` of a statement, in order of appearance. */
function inLists(sql: string, column: string): string[][] {
  const escaped = column.replace('.', '\\.');
  return [...sql.matchAll(new RegExp(`${escaped} IN \\(([^)]*)\\)`, 'g'))].map((m) =>
    (m[1] ?? '').split(',').map((s) => s.trim().replace(/^'|'$/g, '')),
  );
}

const sorted = (states: Iterable<string>): string[] => [...states].sort();

describe('declared moves', () => {
  it('lists every statement module that declares moves', async () => {
    const files = (await readdir(sqlDir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const declaring: string[] = [];
    for (const f of files) {
      if (/^export const moves\b/m.test(await readFile(`${sqlDir}/${f}`, 'utf8')))
        declaring.push(f.replace(/\.ts$/, ''));
    }
    expect(sorted(statementMoves.map((m) => m.module))).toEqual(sorted(declaring));
  });

  for (const { module, moves, runMoves } of statementMoves) {
    it(`${module}: every task move is legal in core's table`, () => {
      for (const move of moves) {
        expect(move.from.length, `${module} → ${move.to}`).toBeGreaterThan(0);
        for (const s of [...move.from, ...(move.via ?? []), move.to]) expect(taskInstanceStates).toContain(s);
        for (const [from, to] of steps(move))
          expect(canTransitionTask(from, to), `${module}: ${from} → ${to}`).toBe(true);
      }
    });

    it(`${module}: every run move is legal in core's table`, () => {
      for (const move of runMoves) {
        expect(move.from.length, `${module} → ${move.to}`).toBeGreaterThan(0);
        for (const s of [...move.from, ...(move.via ?? []), move.to]) expect(dagRunStates).toContain(s);
        for (const [from, to] of steps(move))
          expect(canTransitionRun(from, to), `${module}: ${from} → ${to}`).toBe(true);
      }
    });
  }

  it('walks a move through its via states, so an illegal shortcut is caught', () => {
    const shortcut: DeclaredMove<TaskInstanceState> = { from: ['none'], to: 'running' };
    expect(steps(shortcut).every(([from, to]) => canTransitionTask(from, to))).toBe(false);
    const viaQueued: DeclaredMove<TaskInstanceState> = { from: ['none'], via: ['scheduled', 'queued'], to: 'running' };
    expect(steps(viaQueued)).toEqual([
      ['none', 'scheduled'],
      ['scheduled', 'queued'],
      ['queued', 'running'],
    ]);
  });
});

describe('the SQL guards are the declared from sets', () => {
  const taskMove = (moves: readonly DeclaredMove<TaskInstanceState>[], to: TaskInstanceState) =>
    moves.find((m) => m.to === to);
  const runMove = (moves: readonly DeclaredMove<DagRunState>[], to: DagRunState) => moves.find((m) => m.to === to);

  it('clear: moves to none exactly what it declares, and reopens exactly the runs it declares', () => {
    expect(inLists(clear.clearStatement, 'ti.state').map(sorted)).toEqual([
      sorted(taskMove(clear.moves, 'none')?.from ?? []),
    ]);
    expect(inLists(clear.reopenStatement, 'state').map(sorted)).toEqual([
      sorted(runMove(clear.runMoves, 'queued')?.from ?? []),
    ]);
  });

  it('mark task: each mark is guarded by the states it declares for its target', () => {
    for (const to of ['success', 'failed'] as const) {
      const declared = taskMove(mark.markTaskMoves, to);
      expect(inLists(mark.markTaskStatement(to), 'ti.state').map(sorted)).toEqual([sorted(declared?.from ?? [])]);
    }
  });

  it('mark run failed: fails what it declares as failed, skips what it declares as skipped, and nothing else', () => {
    const [guardCase, guardWhere] = inLists(mark.markRunTasksStatement.failed, 'ti.state');
    expect(sorted(guardCase ?? [])).toEqual(sorted(failedWithRunTaskStates));
    expect(sorted(taskMove(mark.markRunFailedMoves, 'failed')?.from ?? [])).toEqual(sorted(failedWithRunTaskStates));
    const skipped = taskMove(mark.markRunFailedMoves, 'skipped')?.from ?? [];
    expect(sorted(guardWhere ?? [])).toEqual(sorted([...failedWithRunTaskStates, ...skipped]));
    expect(sorted(guardWhere ?? [])).toEqual(sorted(unfinishedTaskStates));
  });

  it('mark run: the run itself moves only from the states it declares', () => {
    for (const to of ['success', 'failed'] as const) {
      expect(inLists(mark.markRunStatement(to), 'state').map(sorted)).toEqual([
        sorted(runMove(mark.runMoves, to)?.from ?? []),
      ]);
    }
  });

  it('mark run success: marks success exactly what it declares', () => {
    const declared = taskMove(mark.markTaskMoves, 'success');
    expect(inLists(mark.markRunTasksStatement.success, 'ti.state').map(sorted)).toEqual([sorted(declared?.from ?? [])]);
  });
});
