/**
 * 8. The `sluice` command as a script calls it: a new process each time,
 * `sluice --help` (no I/O: the start alone) and `sluice dags list` against
 * the bench's API. The CLI is compiled first (scripts/build-cli.mjs), so the
 * figures are the bundle's, as installed users and CI run it.
 */
import { execFile as execFileCb } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../processes';
import { spread, type Spread } from '../stats';

const execFile = promisify(execFileCb);

export interface CliResult {
  /** Processes timed per command. */
  runs: number;
  /** Wall time of one `sluice --help`, from spawn to exit. */
  helpMs: Spread;
  /** Wall time of one `sluice dags list` against the API. */
  dagsListMs: Spread;
}

export async function measureCli(apiUrl: string, opts: { runs: number }): Promise<CliResult> {
  await execFile(process.execPath, [path.join(repoRoot, 'scripts/build-cli.mjs')], { cwd: repoRoot });
  const bin = path.join(repoRoot, 'apps/cli/bin/sluice.mjs');
  const env = { ...process.env, SLUICE_API_URL: apiUrl };
  const time = async (args: string[]): Promise<number[]> => {
    // One run first, not counted: the file system cache warms on the bundle's files.
    await execFile(process.execPath, [bin, ...args], { env });
    const samples: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const t0 = performance.now();
      await execFile(process.execPath, [bin, ...args], { env });
      samples.push(performance.now() - t0);
    }
    return samples;
  };
  return { runs: opts.runs, helpMs: spread(await time(['--help'])), dagsListMs: spread(await time(['dags', 'list'])) };
}
