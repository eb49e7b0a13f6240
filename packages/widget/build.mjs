// Builds the widget to one minified browser script, dist/acsa-widget.js (an IIFE, no dependencies).
// `npm start` and the browser tests run this when the script is missing or older than its sources.
import { build } from 'esbuild';

const result = await build({
  entryPoints: [new URL('./src/main.ts', import.meta.url).pathname],
  outfile: new URL('./dist/acsa-widget.js', import.meta.url).pathname,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
console.log(`built packages/widget/dist/acsa-widget.js (${(bytes / 1024).toFixed(1)} kB minified)`);
