#!/usr/bin/env node
/**
 * Keeps the pure packages pure (docs/conventions.md, "Boundaries"): packages/core may
 * import only zod, cron-parser and its own files; packages/sdk only core,
 * zod and its own files. Neither may touch process.env or node: modules.
 * Exits 1 listing every offending line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2]
  ? path.resolve(process.argv[2])
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rules = [
  { dir: 'packages/core/src', allowed: ['zod', 'cron-parser'] },
  { dir: 'packages/sdk/src', allowed: ['zod', '@sluice/core'] },
];

function* tsFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(full);
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) yield full;
  }
}

const importRe =
  /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/g;
const problems = [];
for (const rule of rules) {
  const dir = path.join(root, rule.dir);
  if (!fs.existsSync(dir)) continue;
  for (const file of tsFiles(dir)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const where = `${path.relative(root, file)}:${i + 1}`;
      const trimmed = line.trim();
      if (trimmed.startsWith('*') || trimmed.startsWith('//') || trimmed.startsWith('/*')) return;
      if (/\bprocess\.env\b/.test(line)) {
        problems.push(`${where}: reads process.env (take options instead)`);
      }
      for (const m of line.matchAll(importRe)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (!spec || spec.startsWith('.')) continue;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!rule.allowed.includes(pkg))
          problems.push(`${where}: imports "${spec}" (${rule.dir} may import only ${rule.allowed.join(', ')})`);
      }
    });
  }
}
if (problems.length > 0) {
  process.stderr.write(`Pure packages import I/O:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('core and sdk import no I/O\n');
