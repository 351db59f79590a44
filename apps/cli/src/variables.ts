/**
 * `sluice variables …`: named values tasks read with `ctx.variable(name)`
 * or a shell task's `env: { NAME: { variable: 'name' } }`. A value comes
 * from an argument, `--from-file` or stdin; `--secret` ones are masked in
 * the API and in task logs, and are best passed by file or stdin (an
 * argument shows in the process list and the shell's history).
 */
import { readFile } from 'node:fs/promises';
import type { Variable, VariableBody } from '@sluice/client';
import type { Command } from 'commander';
import { UsageError, type CommandContext } from './context';
import { dash, json, table, time } from './format';

type SetOpts = { secret?: boolean; fromFile?: string; description?: string };

/** Longest value shown in `variables list`; `get` prints it whole. */
const LIST_VALUE_WIDTH = 60;

async function valueFor(ctx: CommandContext, value: string | undefined, opts: SetOpts): Promise<string> {
  if (value !== undefined && opts.fromFile !== undefined)
    throw new UsageError('give the value as an argument or with --from-file, not both');
  if (value !== undefined) {
    if (opts.secret)
      ctx.stderr.write(
        'warning: a value given as an argument is visible in the process list and shell history; prefer --from-file or stdin for secrets\n',
      );
    return value;
  }
  if (opts.fromFile !== undefined) {
    try {
      return await readFile(opts.fromFile, 'utf8');
    } catch (raw) {
      const reason = raw instanceof Error ? raw.message : String(raw);
      throw new UsageError(`--from-file: cannot read ${opts.fromFile}: ${reason}`);
    }
  }
  // `echo value | sluice variables set k` carries echo's newline: it is not part of the value.
  return (await ctx.readStdin()).replace(/\r?\n$/, '');
}

export function registerVariableCommands(program: Command, ctx: CommandContext): void {
  const variables = program
    .command('variables')
    .description('manage variables tasks read with ctx.variable(name) (stored encrypted; secret ones masked)');

  variables
    .command('list')
    .description('list variables; secret values show as ***')
    .option('--json', 'print the API JSON')
    .action(async (opts: { json?: boolean }) => {
      const { items } = await ctx.client.listVariables();
      if (opts.json) return ctx.out(json({ items }));
      ctx.out(items.length === 0 ? 'no variables' : variablesTable(items));
    });

  variables
    .command('get')
    .description("print a variable's value (*** for a secret one)")
    .argument('<key>', 'variable key')
    .option('--json', 'print the API JSON')
    .action(async (key: string, opts: { json?: boolean }) => {
      const v = await ctx.client.getVariable(key);
      ctx.out(opts.json ? json(v) : v.value);
    });

  variables
    .command('set')
    .description('create or replace a variable; the value is the argument, --from-file, or else stdin')
    .argument('<key>', 'variable key')
    .argument('[value]', 'the value (for secrets prefer --from-file or stdin)')
    .option('--secret', 'never show the value: masked in the API, the UI and task logs')
    .option('--from-file <path>', 'read the value from a file, exactly as it is')
    .option('--description <text>', 'what the variable is for')
    .action(async (key: string, value: string | undefined, opts: SetOpts) => {
      const body: VariableBody = { value: await valueFor(ctx, value, opts), secret: opts.secret === true };
      if (opts.description !== undefined) body.description = opts.description;
      const saved = await ctx.client.putVariable(key, body);
      ctx.out(`saved variable ${saved.key}${saved.secret ? ' (secret)' : ''}`);
    });

  variables
    .command('delete')
    .description('delete a variable')
    .argument('<key>', 'variable key')
    .action(async (key: string) => {
      await ctx.client.deleteVariable(key);
      ctx.out(`deleted variable ${key}`);
    });
}

function shown(value: string): string {
  const oneLine = value.replace(/\r?\n/g, '⏎');
  return oneLine.length > LIST_VALUE_WIDTH ? `${oneLine.slice(0, LIST_VALUE_WIDTH - 1)}…` : oneLine;
}

function variablesTable(items: Variable[]): string {
  return table(
    ['KEY', 'VALUE', 'SECRET', 'DESCRIPTION', 'UPDATED'],
    items.map((v) => [v.key, shown(v.value), v.secret ? 'yes' : '-', dash(v.description), time(v.updatedAt)]),
  );
}
