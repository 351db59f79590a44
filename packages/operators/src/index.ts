export { ShellOptions, ShellCommandError, compileShellOptions, runShell } from './shell';
export type { ShellRun } from './shell';
export { markerFor } from './external';
export type { Json, ExternalRef, ExternalStatus, ExternalContext, ExternalOperator, AwsSettings } from './external';
