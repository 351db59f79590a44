/** Errors the engine's operations throw for the API and CLI to map to a status. */

/** Thrown when a DAG, run or task instance named by a caller does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Thrown when the request is well-formed but clashes with what exists (a run id taken). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** Thrown when input passed the schema but is wrong for this DAG (e.g. conf fails its schema). */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}
