import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import { MigrationPg } from './pg-adapter.ts';

let instantiated: Promise<void> | undefined;

// Node has the WebAssembly global; TypeScript declares it only with the DOM lib, which Node code must not use.
type TWasm = {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};
const wasm = (globalThis as unknown as { WebAssembly: TWasm }).WebAssembly;

/**
 * The package's entry imports the .wasm file as an ES module (a bundler feature Node does not have), so
 * the module is instantiated here against the package's own JS glue, once per process.
 */
function instantiate(): Promise<void> {
  instantiated ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const { instance } = await wasm.instantiate(await readFile(wasmPath), {
      './schema_engine_bg.js': bindings,
    });
    bindings.__wbg_set_wasm(instance.exports as never);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return instantiated;
}

export type EngineLog = (line: string) => void;

export type OpenEngine = { engine: SchemaEngine; close(): Promise<void> };

/**
 * Opens the WebAssembly schema engine on `url`. `schema` (the Prisma schema text) is needed only by
 * commands that diff against it (createMigration); deploy runs from the migration files alone.
 */
export async function openSchemaEngine(url: string, schema?: string, log?: EngineLog): Promise<OpenEngine> {
  await instantiate();
  const factory = new MigrationPg(url);
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const engine = await bindings.SchemaEngine.new(
    { datamodels: schema === undefined ? undefined : [['schema.prisma', schema]] },
    (message: string) => log?.(message),
    bound,
  );
  return {
    engine,
    async close() {
      engine.free();
      await factory.close();
    },
  };
}
