/**
 * `sluice dags plan`: what merging the work tree's DAG files would do —
 * against another git ref (`--base`) or what an API runs (`--against`).
 * Exit 0 when nothing changes, 1 on import or type errors, 3 when DAGs change.
 */
import { Option, type Command } from 'commander';
import { CommandFailed, UsageError, isoDate, type CommandContext } from './context';

type PlanOpts = {
  base?: string;
  against?: string;
  format: 'text' | 'markdown' | 'json';
  dagsFolder?: string;
  now?: string;
};

export function registerPlanCommand(program: Command, ctx: CommandContext): void {
  const dags = program.commands.find((c) => c.name() === 'dags');
  if (!dags) throw new Error('the "dags" command group is not registered');
  dags
    .command('plan')
    .description('what merging the DAG files in the work tree would do; exit 0 no change, 1 errors, 3 changes')
    .option('--base <ref>', 'compare with the DAG folder at this git ref (default: HEAD)')
    .option(
      '--against <url>',
      'compare with the DAGs the Sluice API at this URL runs (SLUICE_API_TOKEN is sent if set)',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--dags-folder <path>', 'the DAG files (default: SLUICE_DAGS_FOLDER or ./dags)')
    .addOption(new Option('--now <iso>', 'work out schedules as of this instant (default: now)').argParser(isoDate))
    .action(async (opts: PlanOpts) => {
      if (opts.base !== undefined && opts.against !== undefined)
        throw new UsageError('give --base or --against, not both');
      const folder = opts.dagsFolder ?? ctx.env.SLUICE_DAGS_FOLDER ?? 'dags';
      const now = opts.now === undefined ? new Date() : new Date(opts.now);
      // Loaded here, not at start: they bring core's schedule code and the DAG loader.
      const { buildPlan, planExitCode } = await import('./plan-build');
      const { planJson, planMarkdown, planText } = await import('./plan-format');
      const { loadDeployed, loadGitRef, loadWorkTree } = await import('./plan-sources');
      const head = await loadWorkTree(folder);
      const base =
        opts.against !== undefined
          ? await loadDeployed(opts.against.replace(/\/+$/, ''), ctx.env)
          : await loadGitRef(folder, opts.base ?? 'HEAD');
      const plan = buildPlan(head, base, now);
      const code = planExitCode(plan);
      const text =
        opts.format === 'json'
          ? planJson(plan, code)
          : opts.format === 'markdown'
            ? planMarkdown(plan)
            : planText(plan);
      ctx.stdout.write(text);
      if (code === 1) throw new CommandFailed(`${plan.errors.length} error(s) in ${folder}`, code);
      if (code === 3) throw new CommandFailed('', code);
    });
}
