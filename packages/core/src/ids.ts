/**
 * A DAG or task id: letters, digits, `_ . -`, starting with a letter, digit
 * or `_`, never `..`. Ids reach file paths, URLs and shell variables
 * (SLUICE_DAG_ID…), so none may climb a path or pass for a flag. No zod
 * here: DAG bundles import this through the SDK.
 */
export const idPattern = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9_.-]{0,249}$/;
export const idHint = 'use 1-250 letters, digits, _, . or -, starting with a letter, digit or _, without ".."';

/** The queue of a task that names none: what a worker started without queues serves. A queue name is an id. */
export const DEFAULT_QUEUE = 'default';
