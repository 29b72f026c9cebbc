// Bundles each bin into dist/ as minified ESM. Code that only some commands need is split into
// chunks that load on demand, so `trigger --version` does not pay for the network or config code.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// Parts of dependencies the CLI never reaches, left out so that start-up does not load them:
// undici's HTTP/2 client and SOCKS proxy agent, and the child_process module commander needs only
// for subcommands that are separate executables.
const unused = {
  name: 'unused-parts',
  setup(b) {
    b.onResolve({ filter: /\/(client-h2|socks5-proxy-agent)(\.js)?$/ }, (args) => ({ path: args.path, namespace: 'unused' }));
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('/commander/') ? { path: args.path, namespace: 'unused' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'unused' }, (args) => ({
      contents: `module.exports = function () { throw new Error('${args.path} is not available in this build') }`,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  // Error class names stay readable in --debug stacks.
  keepNames: true,
  // Some bundled CommonJS packages call require(); give the ESM bundle one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  define: { TRIGGER_VERSION: JSON.stringify(version) },
  plugins: [unused],
  logLevel: 'warning',
};

rmSync('dist', { recursive: true, force: true });

// Render the help screens with commander once, from the real definitions, to bake them in.
const helpRenderer = 'dist/help-render.mjs';
await build({ ...common, entryPoints: ['src/help.ts'], outfile: helpRenderer });
const { renderHelpTexts } = await import(pathToFileURL(helpRenderer).href);
const helpTexts = renderHelpTexts();
rmSync(helpRenderer);

const result = await build({
  ...common,
  entryPoints: { trigger: 'src/cli.ts', 'dockercloud-emulator': 'src/emulator/cli.ts' },
  outdir: 'dist',
  splitting: true,
  minify: true,
  chunkNames: 'chunks/[name]-[hash]',
  define: { ...common.define, TRIGGER_HELP: JSON.stringify(helpTexts) },
  metafile: true,
});
// The bundles hold code of other packages; their licences travel with it.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.add(m[1]);
}
const notices = [...packages].sort().map((name) => {
  const dir = `node_modules/${name}`;
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const { version: v, license } = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  return `${name}@${v} (${license})\n\n${file ? readFileSync(`${dir}/${file}`, 'utf8').trim() : '(no licence file)'}\n`;
});
writeFileSync('dist/THIRD-PARTY-LICENSES.txt', `Packages bundled into dist/:\n\n${notices.join('\n---\n\n')}`);

// `--metafile FILE` keeps esbuild's account of what went where (outside dist/, which is published).
const metafileAt = process.argv.indexOf('--metafile');
if (metafileAt > 0) writeFileSync(process.argv[metafileAt + 1] ?? 'meta.json', JSON.stringify(result.metafile));
