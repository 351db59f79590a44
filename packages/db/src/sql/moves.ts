/**
 * Every statement module's declared state moves, in one list, so a test can
 * walk them against core's transition table. A module under sql/ that
 * exports `moves` belongs here (moves.test.ts checks that it is).
 */
import * as applyDecisions from './applyDecisions';
import * as assets from './assets';
import * as backfills from './backfills';
import * as callbacks from './callbacks';
import * as claimTaskTry from './claimTaskTry';
import * as clearTaskInstances from './clearTaskInstances';
import * as createDagRun from './createDagRun';
import * as deferTaskTry from './deferTaskTry';
import * as expandMappedTasks from './expandMappedTasks';
import * as failTaskTries from './failTaskTries';
import * as finishTaskTry from './finishTaskTry';
import * as heartbeatTaskTries from './heartbeatTaskTries';
import * as liveness from './liveness';
import * as markStates from './markStates';
import * as retention from './retention';
import * as runTimeout from './runTimeout';
import * as scheduleRuns from './scheduleRuns';
import * as schedulerQueries from './schedulerQueries';
import * as startQueuedRuns from './startQueuedRuns';
import type { RunMove, TaskMove } from './states';
import * as writeTries from './writeTries';

export interface ModuleMoves {
  /** The file name under sql/, without `.ts`. */
  module: string;
  moves: readonly TaskMove[];
  runMoves: readonly RunMove[];
}

/**
 * scheduleRun.ts re-exports applyDecisions' moves, and writeTries.ts sends
 * other modules' statements: each move is listed once, by the module that
 * writes it.
 */
export const statementMoves: readonly ModuleMoves[] = [
  { module: 'applyDecisions', moves: applyDecisions.moves, runMoves: applyDecisions.runMoves },
  { module: 'assets', moves: assets.moves, runMoves: assets.runMoves },
  { module: 'backfills', moves: backfills.moves, runMoves: backfills.runMoves },
  { module: 'callbacks', moves: callbacks.moves, runMoves: callbacks.runMoves },
  { module: 'claimTaskTry', moves: claimTaskTry.moves, runMoves: [] },
  { module: 'clearTaskInstances', moves: clearTaskInstances.moves, runMoves: clearTaskInstances.runMoves },
  { module: 'createDagRun', moves: createDagRun.moves, runMoves: createDagRun.runMoves },
  { module: 'deferTaskTry', moves: deferTaskTry.moves, runMoves: [] },
  { module: 'expandMappedTasks', moves: expandMappedTasks.moves, runMoves: [] },
  { module: 'failTaskTries', moves: failTaskTries.moves, runMoves: [] },
  { module: 'finishTaskTry', moves: finishTaskTry.moves, runMoves: finishTaskTry.runMoves },
  { module: 'heartbeatTaskTries', moves: heartbeatTaskTries.moves, runMoves: [] },
  { module: 'liveness', moves: liveness.moves, runMoves: liveness.runMoves },
  { module: 'markStates', moves: markStates.moves, runMoves: markStates.runMoves },
  { module: 'retention', moves: retention.moves, runMoves: retention.runMoves },
  { module: 'runTimeout', moves: runTimeout.moves, runMoves: [] },
  { module: 'scheduleRuns', moves: scheduleRuns.moves, runMoves: [] },
  { module: 'schedulerQueries', moves: schedulerQueries.moves, runMoves: [] },
  { module: 'startQueuedRuns', moves: startQueuedRuns.moves, runMoves: startQueuedRuns.runMoves },
  { module: 'writeTries', moves: writeTries.moves, runMoves: [] },
];
