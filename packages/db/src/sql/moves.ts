/**
 * Every statement module's declared state moves, in one list, so a test can
 * walk them against core's transition table. A module under sql/ that
 * exports `moves` belongs here (moves.test.ts checks that it is).
 */
import * as claimTaskTry from './claimTaskTry';
import * as clearTaskInstances from './clearTaskInstances';
import * as createDagRun from './createDagRun';
import * as heartbeatTaskTries from './heartbeatTaskTries';
import * as markStates from './markStates';
import * as runTimeout from './runTimeout';
import * as schedulerQueries from './schedulerQueries';
import * as startQueuedRuns from './startQueuedRuns';
import type { RunMove, TaskMove } from './states';

export interface ModuleMoves {
  /** The file name under sql/, without `.ts`. */
  module: string;
  moves: readonly TaskMove[];
  runMoves: readonly RunMove[];
}

export const statementMoves: readonly ModuleMoves[] = [
  { module: 'claimTaskTry', moves: claimTaskTry.moves, runMoves: [] },
  { module: 'clearTaskInstances', moves: clearTaskInstances.moves, runMoves: clearTaskInstances.runMoves },
  { module: 'createDagRun', moves: createDagRun.moves, runMoves: createDagRun.runMoves },
  { module: 'heartbeatTaskTries', moves: heartbeatTaskTries.moves, runMoves: [] },
  { module: 'markStates', moves: markStates.moves, runMoves: markStates.runMoves },
  { module: 'runTimeout', moves: runTimeout.moves, runMoves: [] },
  { module: 'schedulerQueries', moves: schedulerQueries.moves, runMoves: [] },
  { module: 'startQueuedRuns', moves: startQueuedRuns.moves, runMoves: startQueuedRuns.runMoves },
];
