#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so `npx acsa` works right after `npm install`
// with no build step; the loader is registered before the first .ts import.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
