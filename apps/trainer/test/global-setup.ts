import type { TestProject } from 'vitest/node';
import { ensureSmallBundle } from './small-bundle.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    smallBundle: string;
  }
}

export default async function setup(project: TestProject) {
  project.provide('smallBundle', await ensureSmallBundle((l) => console.log(`[trainer tests] ${l}`)));
}
