import type { TestProject } from 'vitest/node';
import { ensureBootstrapBundle } from './bootstrap-bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    bootstrapBundle: string;
  }
}

export default async function setup(project: TestProject) {
  project.provide('bootstrapBundle', await ensureBootstrapBundle((l) => console.log(`[serving tests] ${l}`)));
}
