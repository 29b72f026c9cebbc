// Bundles each bin into dist/ as minified ESM. Code that only some commands need is split into
// chunks that load on demand, so `trigger --version` does not pay for the network or config code.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: { trigger: 'src/cli.ts', 'dockercloud-emulator': 'src/emulator/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // Some bundled CommonJS packages call require(); give the ESM bundle one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  define: { TRIGGER_VERSION: JSON.stringify(version) },
  metafile: true,
  logLevel: 'warning',
});
if (process.argv.includes('--metafile')) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
}
