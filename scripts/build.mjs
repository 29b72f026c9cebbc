// Bundles the bins into dist/. `trigger` is CommonJS files: a small entry (dist/trigger.cjs) that
// answers --version and --help from baked texts; the rest of the CLI (dist/main.cjs), which the
// entry loads with the V8 code cache made here by a training run (src/code-cache.ts); and undici's
// proxy agent (dist/proxy.cjs), loaded only when a proxy is set. CommonJS, because Node 20 can hand
// V8 a code cache for a script but not for an ES module.
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { startEmulator } from './emulator.mjs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// A part of a dependency the CLI never reaches, left out so that start-up does not load it: the
// child_process module commander needs only for subcommands that are separate executables.
const unused = {
  name: 'unused-parts',
  setup(b) {
        b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('/commander/') ? { path: args.path, namespace: 'unused' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'unused' }, (args) => ({
      contents: `module.exports = function () { throw new Error('${args.path} is not available in this build') }`,
      loader: 'js',
    }));
  },
};

// dist/main.cjs reaches src/api/proxy.ts through dist/proxy.cjs, next to it.
const proxyApart = {
  name: 'proxy-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/proxy\.js$/ }, (args) =>
      args.importer.replaceAll('\\', '/').endsWith('/src/api/http.ts') ? { path: './proxy.cjs', external: true } : undefined,
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  // Error class names stay readable in --debug stacks.
  keepNames: true,
  define: { TRIGGER_VERSION: JSON.stringify(version) },
  plugins: [unused],
  logLevel: 'warning',
  metafile: true,
};

// Some bundled CommonJS packages call require(); an ES module bundle needs one made for it.
const esmRequire = { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" };

rmSync('dist', { recursive: true, force: true });

// Render the help screens with commander once, from the real definitions, to bake them in.
const helpRenderer = 'dist/help-render.mjs';
await build({ ...common, format: 'esm', banner: esmRequire, entryPoints: ['src/help-texts.ts'], outfile: helpRenderer });
const { renderHelpIndex } = await import(pathToFileURL(helpRenderer).href);
const helpIndex = renderHelpIndex();
rmSync(helpRenderer);

const builds = await Promise.all([
  build({
    ...common,
    format: 'cjs',
    minify: true,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/trigger.cjs',
    define: { ...common.define, TRIGGER_HELP: JSON.stringify(helpIndex) },
  }),
  build({
    ...common,
    format: 'cjs',
    minify: true,
    entryPoints: ['src/main.ts'],
    outfile: 'dist/main.cjs',
    // dist/main.cjs.map, read only to print a stack under --debug (src/report.ts): no comment in the
    // bundle points at it, so V8 and Node never look for it, and without the sources' text it stays small.
    sourcemap: 'external',
    sourcesContent: false,
    plugins: [...common.plugins, proxyApart],
    // import() of dist/proxy.cjs becomes require(): the bundle runs as a vm.Script, which has no
    // loader for import().
    supported: { 'dynamic-import': false },
  }),
  build({ ...common, format: 'cjs', minify: true, entryPoints: ['src/api/proxy.ts'], outfile: 'dist/proxy.cjs' }),
  build({
    ...common,
    format: 'esm',
    minify: true,
    entryPoints: ['src/emulator/cli.ts'],
    outfile: 'dist/dockercloud-emulator.js',
    banner: esmRequire,
  }),
]);
const metafile = { inputs: {}, outputs: {} };
for (const { metafile: m } of builds) {
  Object.assign(metafile.inputs, m.inputs);
  Object.assign(metafile.outputs, m.outputs);
}

// The bundles hold code of other packages; their licences travel with it.
const packages = new Set();
for (const input of Object.keys(metafile.inputs)) {
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

await writeCodeCache('dist/main.cjs');

// `--metafile FILE` keeps esbuild's account of what went where (outside dist/, which is published).
const metafileAt = process.argv.indexOf('--metafile');
if (metafileAt > 0) writeFileSync(process.argv[metafileAt + 1] ?? 'meta.json', JSON.stringify(metafile));

/**
 * Runs the commands people run most against a fresh emulator, in this process, with the bundle loaded
 * the way dist/trigger.cjs loads it, then saves what V8 compiled as the bundle's code cache.
 */
async function writeCodeCache(bundle) {
  const loader = 'dist/code-cache-loader.cjs';
  await build({ ...common, format: 'cjs', entryPoints: ['src/code-cache.ts'], outfile: loader });
  const { loadBundle, cacheFileOf } = createRequire(import.meta.url)(resolve(loader));
  rmSync(loader);

  const home = mkdtempSync(join(tmpdir(), 'trigger-build-'));
  const emulator = await startEmulator();
  try {
    const env = { HOME: home, TRIGGER_CONFIG_DIR: join(home, 'config'), ...emulator.env };
    const { exports: cli, script } = loadBundle(resolve(bundle), false);
    const runs = [
      ['create', 'web', '--name', 'deploy-hook'],
      ['list', 'web'],
      ['inspect', 'web', 'deploy-hook', '--json'],
      ['call', 'web', 'deploy-hook'],
      ['rm', 'web', 'deploy-hook'],
    ];
    for (const args of runs) {
      const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), isTTY: false, stderrTTY: false, stdinTTY: false, color: false };
      let errors = '';
      io.stderr.on('data', (c) => (errors += c));
      io.stdout.resume();
      const code = await cli.main(args, { io, env });
      if (code !== 0) throw new Error(`code cache training: 'trigger ${args.join(' ')}' exited ${code}: ${errors.trim()}`);
    }
    writeFileSync(cacheFileOf(bundle), script.createCachedData());
  } finally {
    emulator.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
