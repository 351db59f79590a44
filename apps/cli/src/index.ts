export { buildProgram, runCli } from './program';
export { CommandFailed, EXIT, UsageError } from './context';
export type { CliDeps, CommandContext, Output, ValidationResult } from './context';
export { CliConfig, ConfigError, loadConfig } from './config';
