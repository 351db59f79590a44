/** `sluice init [dir]`: writes a starter DAG repository (see init-templates.ts) into an empty or new folder. */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError, type CommandContext } from './context';
import { starterFiles } from './init-templates';

const packageName = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

export function registerInitCommand(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description('write a starter DAG repository: an example DAG, its test, tsconfig and a CI workflow')
    .argument('[dir]', 'the folder to create (default: the current one, which must be empty)', '.')
    .option('--name <name>', 'the package name (default: the folder name)')
    .option(
      '--packages <dir>',
      'take @sluice/* packages from the tarballs in this folder (scripts/pack-dag-packages.mjs)',
    )
    .action(async (dir: string, opts: { name?: string; packages?: string }) => {
      const target = path.resolve(dir);
      if (existsSync(target) && readdirSync(target).some((f) => f !== '.git'))
        throw new UsageError(`${dir} is not empty; sluice init writes only into an empty or new folder`);
      const name =
        opts.name ??
        path
          .basename(target)
          .toLowerCase()
          .replace(/[^a-z0-9._-]+/g, '-');
      if (!packageName.test(name)) throw new UsageError(`--name ${JSON.stringify(name)} is not an npm package name`);
      const files = starterFiles(name);
      if (opts.packages !== undefined)
        files['package.json'] = fromTarballs(files['package.json'] ?? '{}', opts.packages, ctx);
      for (const [file, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(target, file)), { recursive: true });
        await writeFile(path.join(target, file), content);
      }
      ctx.out(
        `wrote a DAG repository to ${dir}:\n${Object.keys(files)
          .map((f) => `  ${f}`)
          .join('\n')}`,
      );
      ctx.out('next: npm install, then npx sluice dags validate dags && npx vitest run');
    });
}

/** Points every @sluice/* dependency at its tarball in `dir`; one without a tarball is left out, with a note. */
function fromTarballs(packageJson: string, dir: string, ctx: CommandContext): string {
  if (!existsSync(dir)) throw new UsageError(`--packages ${dir} does not exist`);
  const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  const pkg = JSON.parse(packageJson) as Record<string, Record<string, string> | unknown>;
  const linked: Record<string, string> = {};
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = pkg[field] as Record<string, string> | undefined;
    if (!deps) continue;
    for (const dep of Object.keys(deps).filter((d) => d.startsWith('@sluice/'))) {
      const file = tarballs.find((t) => t.startsWith(`${dep.slice(1).replace('/', '-')}-`));
      if (file) deps[dep] = `file:${path.resolve(dir, file)}`;
      else {
        delete deps[dep];
        ctx.out(`note: no tarball for ${dep} in ${dir}; left out of package.json`);
      }
    }
  }
  // Packages the linked ones depend on (@sluice/core) come from the same folder.
  for (const file of tarballs) {
    const dep = `@${file.replace(/-\d+\.\d+\.\d+.*\.tgz$/, '').replace('-', '/')}`;
    const deps = pkg.dependencies as Record<string, string>;
    if (!(dep in deps) && !(dep in ((pkg.devDependencies as Record<string, string>) ?? {})))
      linked[dep] = `file:${path.resolve(dir, file)}`;
  }
  pkg.dependencies = { ...(pkg.dependencies as Record<string, string>), ...linked };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
