/** Ends an exhaustive switch: adding a member to a union makes the caller fail to compile. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
