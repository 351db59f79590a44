#!/usr/bin/env node
// Generates the Prisma client into packages/db/src/generated/prisma.
//
// The Prisma CLI resolves (and, if missing, downloads) its native schema-engine
// binary at startup even though `prisma generate` never runs it. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing executable skips the download,
// so generation works offline. An explicit PRISMA_SCHEMA_ENGINE_BINARY wins.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
let cli;
try {
  cli = path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
} catch {
  console.error('prisma generate: the `prisma` package is not installed; run `npm install` first');
  process.exit(1);
}

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};

const result = spawnSync(process.execPath, [cli, 'generate', ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
});

if (result.error) {
  console.error(`prisma generate could not start: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
