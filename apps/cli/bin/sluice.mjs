#!/usr/bin/env node
// Runs the compiled CLI (scripts/build-cli.mjs) when it is there and none of
// the sources it was built from changed since; else the TypeScript sources
// through tsx, as the rest of the monorepo runs (docs/adr/0019).
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

function bundleIsCurrent() {
  let builtAt;
  try {
    builtAt = statSync(`${dist}main.js`).mtimeMs;
  } catch {
    return false;
  }
  let sources;
  try {
    sources = JSON.parse(readFileSync(`${dist}inputs.json`, 'utf8'));
  } catch {
    return true; // the packed CLI: no sources to compare with
  }
  return sources.every((file) => {
    try {
      return statSync(`${dist}${file}`).mtimeMs <= builtAt;
    } catch {
      return false;
    }
  });
}

if (bundleIsCurrent()) {
  await import('../dist/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
