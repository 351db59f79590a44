export { ShellOptions, ShellCommandError, compileShellOptions, runShell } from './shell';
export type { ShellRun } from './shell';
