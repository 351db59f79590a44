#!/usr/bin/env node
// Prints the DMMF (Prisma's data model: models, fields, nullability, defaults,
// native types, relations, indexes) of a schema.prisma as JSON on stdout.
//
//   node packages/db/scripts/print-dmmf.mjs prisma/schema.prisma
//
// It runs get_dmmf from the schema wasm module the installed Prisma CLI ships
// (the same computation `prisma generate` does), offline and without the
// native engines. Used by the test that checks migrations against the schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const schemaPath = process.argv[2];
if (schemaPath === undefined) {
  console.error('usage: print-dmmf.mjs <schema.prisma>');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const wasmPath = path.join(
  path.dirname(require.resolve('prisma/package.json')),
  'build',
  'prisma_schema_build_bg.wasm',
);
const module = new WebAssembly.Module(readFileSync(wasmPath));

const decoder = new TextDecoder();
let instance;
const memory = () => new Uint8Array(instance.exports.memory.buffer);
const readString = (ptr, len) => decoder.decode(memory().subarray(ptr, ptr + len));

// wasm-bindgen glue for the four imports this module declares; their names
// carry a hash that changes between Prisma releases, so match by prefix.
const glue = {};
for (const { module: from, name } of WebAssembly.Module.imports(module)) {
  glue[from] ??= {};
  if (name.startsWith('__wbg_set_message')) {
    glue[from][name] = (target, ptr, len) => {
      target.message = readString(ptr, len);
    };
  } else if (name.startsWith('__wbg_Error')) {
    glue[from][name] = (ptr, len) => new Error(readString(ptr, len));
  } else if (name.includes('wbindgen_throw')) {
    glue[from][name] = (ptr, len) => {
      throw new Error(readString(ptr, len));
    };
  } else if (name === '__wbindgen_init_externref_table') {
    glue[from][name] = () => {
      const table = instance.exports.__wbindgen_externrefs;
      const offset = table.grow(4);
      table.set(0, undefined);
      table.set(offset + 0, undefined);
      table.set(offset + 1, null);
      table.set(offset + 2, true);
      table.set(offset + 3, false);
    };
  } else {
    console.error(`print-dmmf: unknown wasm import ${from}.${name}; this Prisma version needs new glue`);
    process.exit(1);
  }
}
instance = new WebAssembly.Instance(module, glue);
instance.exports.__wbindgen_start?.();

const input = new TextEncoder().encode(
  JSON.stringify({ prismaSchema: readFileSync(schemaPath, 'utf8'), noColor: true }),
);
const inputPtr = instance.exports.__wbindgen_malloc(input.length, 1);
memory().set(input, inputPtr);
const [outPtr, outLen, errorRef, failed] = instance.exports.get_dmmf(inputPtr, input.length);
if (failed) {
  const error = instance.exports.__wbindgen_externrefs.get(errorRef);
  console.error(`print-dmmf: ${error?.message ?? String(error)}`);
  process.exit(1);
}
const dmmf = JSON.parse(readString(outPtr, outLen));
instance.exports.__wbindgen_free(outPtr, outLen, 1);
// Only the data model; the query schema is large and not needed.
process.stdout.write(JSON.stringify({ datamodel: dmmf.datamodel }));
