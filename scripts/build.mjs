// Bundles the bins into dist/. `trigger` is CommonJS files: a small entry (dist/trigger.cjs) that
// answers --version and --help from baked texts; the rest of the CLI (dist/main.cjs), which the
// entry loads with the V8 code cache made here by a training run (src/code-cache.ts); undici's
// proxy agent (dist/proxy.cjs), loaded only when a proxy is set; and conf (dist/conf.cjs), loaded
// only to change the config file. CommonJS, because Node 20 can hand
// V8 a code cache for a script but not for an ES module.
//
// `--outdir DIR` builds elsewhere than dist/; `--without TRICK` (repeatable) leaves one start-up
// trick out, for `npm run bench` to measure what it saves: code-cache, baked-help, commonjs (main as
// an ES module), own-table (cli-table3 lays tables out), liftoff-only.
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startEmulator } from './emulator.mjs';

const TRICKS = ['code-cache', 'baked-help', 'commonjs', 'own-table', 'liftoff-only'];
const { values: options } = parseArgs({
  options: {
    outdir: { type: 'string', default: 'dist' },
    without: { type: 'string', multiple: true, default: [] },
    metafile: { type: 'string' },
  },
});
const out = options.outdir;
const without = new Set(options.without);
for (const t of without) if (!TRICKS.includes(t)) throw new Error(`--without ${t}: not one of ${TRICKS.join(', ')}`);

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// dist/main.cjs reaches src/api/proxy.ts through dist/proxy.cjs, and src/config/conf.ts through
// dist/conf.cjs, next to it: each is loaded only by the runs that need it.
const APART = { '/src/api/http.ts': ['./proxy.js', './proxy.cjs'], '/src/config/file.ts': ['./conf.js', './conf.cjs'] };
const bundlesApart = {
  name: 'bundles-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/(proxy|conf)\.js$/ }, (args) => {
      const importer = args.importer.replaceAll('\\', '/');
      const [from, to] = Object.entries(APART).find(([file]) => importer.endsWith(file))?.[1] ?? [];
      return from === args.path ? { path: to, external: true } : undefined;
    });
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
  plugins: [],
  logLevel: 'warning',
  metafile: true,
};

// Some bundled CommonJS packages call require(); an ES module bundle needs one made for it.
const esmRequire = { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" };

rmSync(out, { recursive: true, force: true });

// The variants of `--without` (see the top of this file).
const ownTableApart = {
  name: 'cli-table3-table',
  setup(b) {
    b.onResolve({ filter: /^\.\/table\.js$/ }, (args) =>
      args.importer.replaceAll('\\', '/').endsWith('/src/output/render.ts')
        ? { path: resolve('scripts/bench/cli-table3-table.mjs') }
        : undefined,
    );
  },
};
const noLiftoff = {
  name: 'no-liftoff',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]api[\\/]http\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('    baselineWasmOnly();\n'))
        throw new Error('--without liftoff-only: the call to baselineWasmOnly() was not found');
      return { contents: source.replace('    baselineWasmOnly();\n', ''), loader: 'ts' };
    });
  },
};
const esmMain = {
  name: 'esm-main',
  setup(b) {
    b.onResolve({ filter: /^\.\/code-cache\.js$/ }, () => ({ path: 'esm-main', namespace: 'variant' }));
    b.onLoad({ filter: /.*/, namespace: 'variant' }, () => ({
      contents: "exports.loadBundle = (file) => ({ exports: require(file.replace(/\\.cjs$/, '.mjs')), cache: 'absent' });",
      loader: 'js',
    }));
  },
};

// Render the help screens with commander once, from the real definitions, to bake them in.
const helpRenderer = `${out}/help-render.mjs`;
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
    outfile: `${out}/trigger.cjs`,
    define: { ...common.define, TRIGGER_HELP: without.has('baked-help') ? 'undefined' : JSON.stringify(helpIndex) },
    plugins: [...common.plugins, ...(without.has('commonjs') ? [esmMain] : [])],
  }),
  build({
    ...common,
    ...(without.has('commonjs') ? { format: 'esm', banner: esmRequire } : { format: 'cjs' }),
    minify: true,
    entryPoints: ['src/main.ts'],
    outfile: `${out}/main.${without.has('commonjs') ? 'mjs' : 'cjs'}`,
    // dist/main.cjs.map, read only to print a stack under --debug (src/report.ts): no comment in the
    // bundle points at it, so V8 and Node never look for it, and without the sources' text it stays small.
    sourcemap: 'external',
    sourcesContent: false,
    plugins: [
      ...common.plugins,
      bundlesApart,
      ...(without.has('own-table') ? [ownTableApart] : []),
      ...(without.has('liftoff-only') ? [noLiftoff] : []),
    ],
    // import() of dist/proxy.cjs becomes require(): the bundle runs as a vm.Script, which has no
    // loader for import().
    supported: { 'dynamic-import': without.has('commonjs') },
  }),
  build({ ...common, format: 'cjs', minify: true, entryPoints: ['src/api/proxy.ts'], outfile: `${out}/proxy.cjs` }),
  build({ ...common, format: 'cjs', minify: true, entryPoints: ['src/config/conf.ts'], outfile: `${out}/conf.cjs` }),
  build({
    ...common,
    format: 'esm',
    minify: true,
    entryPoints: ['src/emulator/cli.ts'],
    outfile: `${out}/dockercloud-emulator.js`,
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
writeFileSync(`${out}/THIRD-PARTY-LICENSES.txt`, `Packages bundled into dist/:\n\n${notices.join('\n---\n\n')}`);

if (!without.has('code-cache') && !without.has('commonjs')) await writeCodeCache(`${out}/main.cjs`);

// `--metafile FILE` keeps esbuild's account of what went where (outside dist/, which is published).
if (options.metafile) writeFileSync(options.metafile, JSON.stringify(metafile));

/**
 * Runs the commands people run most against a fresh emulator, in this process, with the bundle loaded
 * the way dist/trigger.cjs loads it, then saves what V8 compiled as the bundle's code cache.
 */
async function writeCodeCache(bundle) {
  const loader = `${out}/code-cache-loader.cjs`;
  await build({ ...common, format: 'cjs', entryPoints: ['src/code-cache.ts'], outfile: loader });
  const { loadBundle, cacheFileOf } = createRequire(import.meta.url)(resolve(loader));
  rmSync(loader);

  const home = mkdtempSync(join(tmpdir(), 'trigger-build-'));
  const emulator = await startEmulator([], out);
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
      const io = {
        stdout: new PassThrough(),
        stderr: new PassThrough(),
        stdin: Readable.from([]),
        isTTY: false,
        stderrTTY: false,
        stdinTTY: false,
        color: false,
      };
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
