// Benchmark: start-up and paging against the emulator, each case timed alternately with a bare
// `node -e 0`, medians compared with the targets; then what each start-up trick saves, each measured
// against a build without it (scripts/build.mjs --without). Not a test: it prints PASS/FAIL and exits 0.
// `--node PATH` runs the CLI (and builds it, so its code cache fits) with another Node.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const { values: flags } = parseArgs({ options: { node: { type: 'string' } } });
const node = flags.node ?? process.execPath;
const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
if (!nodeVersion) throw new Error(`cannot run ${node}`);
const build = spawnSync(node, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) throw new Error(`the build with ${node} failed`);
const dir = mkdtempSync(join(tmpdir(), 'trigger-bench-'));

const seed = [
  { name: 'small', triggers: Array.from({ length: 3 }, (_, i) => ({ name: `hook-${i}` })) },
  { name: 'big', triggers: Array.from({ length: 10_000 }, (_, i) => ({ name: `hook-${i}` })) },
  { name: 'scratch' },
];
writeFileSync(join(dir, 'seed.json'), JSON.stringify(seed));

const emulator = await startEmulator(['--seed', join(dir, 'seed.json')]);
const { host } = emulator;
const authorization = `Basic ${Buffer.from('demo:demo-apikey').toString('base64')}`;
const env = { ...process.env, ...emulator.env, TRIGGER_CONFIG_DIR: join(dir, 'config') };

// Peak RSS of a whole child process as the kernel counts it (wait4), through GNU time, in runs
// that are not timed.
const TIME = '/usr/bin/time';

async function api(method, path, body) {
  const res = await fetch(new URL(path, host), {
    method,
    headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}
const scratch = (await api('GET', '/api/app/v1/service/?name=scratch')).objects[0].uuid;
async function makeTriggers(n) {
  const made = [];
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, () =>
      api('POST', `/api/app/v1/service/${scratch}/trigger/`, { name: 'bench' }),
    );
    made.push(...(await Promise.all(batch)).map((t) => t.uuid));
  }
  return made;
}

function timeOnce(args, extraEnv) {
  const start = process.hrtime.bigint();
  const r = spawnSync(node, args, { env: extraEnv ? { ...env, ...extraEnv } : env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function peakRss(args) {
  if (!existsSync(TIME)) return 0;
  const out = join(dir, 'time.txt');
  const r = spawnSync(TIME, ['-f', '%M', '-o', out, node, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(readFileSync(out, 'utf8').trim()) / 1024;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs `args` RUNS times, each paired with a run of the baseline; `prepare` sets up untimed state.
 * Three untimed rounds come first: they fill the file cache and let the emulator, which serves
 * every case, compile its code for this one, so that what is timed is the CLI.
 */
async function paired(args, baseline, prepare, { runs = RUNS, env: extraEnv } = {}) {
  for (let i = 0; i < 3; i++) {
    timeOnce(baseline, extraEnv);
    timeOnce(prepare ? await prepare() : args, extraEnv);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    const argv = prepare ? await prepare() : args;
    // Which of the two goes first alternates: on a busy machine the second of a pair can be slower.
    if (i % 2 === 0) {
      b.push(timeOnce(baseline, extraEnv));
      a.push(timeOnce(argv, extraEnv));
    } else {
      a.push(timeOnce(argv, extraEnv));
      b.push(timeOnce(baseline, extraEnv));
    }
  }
  return { ms: median(a), base: median(b) };
}

const trig = 'bin/trigger.cjs';
const bare = ['-e', '0'];
const rows = [];
/** One line per case; `memory` adds a peak-RSS ratio and its own target to the verdict. */
function report(name, ms, base, baseName, target, rss, memory) {
  const ratio = ms / base;
  const memRatio = memory ? rss / memory.baseRss : 0;
  const pass = ratio <= target && (!memory || memRatio <= memory.target);
  rows.push(pass);
  const mem = memory ? `, ${memRatio.toFixed(2)} × ${memory.baseName} (target ≤ ${memory.target})` : '';
  console.log(
    `${name.padEnd(26)} ${ms.toFixed(1).padStart(7)} ms  vs ${baseName.padEnd(10)} ${base.toFixed(1).padStart(7)} ms  ratio ${ratio.toFixed(2)} (target ≤ ${target})  peak rss ${rss ? `${rss.toFixed(1)} MiB` : 'n/a'}${mem}  ${pass ? 'PASS' : 'FAIL'}`,
  );
}

console.log(
  `trigger benchmark: ${RUNS} paired runs per case, node ${nodeVersion} (${node}), ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
);
try {
  const version = await paired([trig, '--version'], bare);
  report('trigger --version', version.ms, version.base, 'node -e 0', 1.2, peakRss([trig, '--version']));
  const help = await paired([trig, '--help'], bare);
  report('trigger --help', help.ms, help.base, 'node -e 0', 1.2, peakRss([trig, '--help']));
  const small = await paired([trig, 'list', 'small'], bare);
  const smallRss = peakRss([trig, 'list', 'small']);
  report('trigger list (3 triggers)', small.ms, small.base, 'node -e 0', 1.5, smallRss);
  const big = await paired([trig, 'list', 'big'], [trig, 'list', 'small']);
  const bigRss = peakRss([trig, 'list', 'big']);
  report('trigger list (10,000)', big.ms, big.base, 'list (3)', 3, bigRss, { baseRss: smallRss, baseName: 'list (3)', target: 1.5 });
  const one = await paired(null, bare, async () => [trig, 'rm', 'scratch', ...(await makeTriggers(1))]);
  const many = await paired(null, bare, async () => [trig, 'rm', 'scratch', ...(await makeTriggers(200))]);
  report('trigger rm (200 at once)', many.ms, one.ms, 'rm (1)', 3, peakRss([trig, 'rm', 'scratch', ...(await makeTriggers(200))]));
  await emulatorCalls();
  console.log(rows.every(Boolean) ? 'all targets met' : 'some targets missed');
  await tricks();
} finally {
  emulator.stop();
}

/**
 * The emulator with --data: 1,000 trigger calls to a fresh emulator against 1,000 to one that has
 * already answered 10,000, timed in alternating batches of 100 so that both see the same load on the
 * machine, after 3 untimed rounds of 10 calls to each. Peak memory is the worn emulator's, from /proc.
 */
async function emulatorCalls() {
  const { Agent, request } = await import('node:http');
  const calls = async (emu, n) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(emu.callPath, emu.host);
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      await new Promise((resolve, reject) => {
        const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume().on('end', () => (res.statusCode === 202 ? resolve() : reject(new Error(`call answered ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end('{"ref":"main"}');
      });
    }
    agent.destroy();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const start = async (name) => {
    const emu = await startEmulator(['--data', join(dir, `${name}.json`)]);
    const auth = { headers: { authorization } };
    const web = (await (await fetch(new URL('/api/app/v1/service/?name=web', emu.host), auth)).json()).objects[0].uuid;
    const headers = { ...auth.headers, 'content-type': 'application/json' };
    const created = await fetch(new URL(`/api/app/v1/service/${web}/trigger/`, emu.host), {
      method: 'POST',
      headers,
      body: '{"name":"bench"}',
    });
    return { ...emu, callPath: (await created.json()).url };
  };
  const peak = (pid) => {
    try {
      return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  };
  const fresh = await start('fresh');
  const worn = await start('worn');
  try {
    await Promise.all(Array.from({ length: 8 }, () => calls(worn, 10_000 / 8)));
    for (let i = 0; i < 3; i++) {
      await calls(fresh, 10);
      await calls(worn, 10);
    }
    let before = 0;
    let after = 0;
    for (let batch = 0; batch < 10; batch++) {
      before += await calls(fresh, 100);
      after += await calls(worn, 100);
    }
    report('emulator: 1,000 calls', after, before, 'fresh', 1.5, peak(worn.pid));
  } finally {
    fresh.stop();
    worn.stop();
  }
}

/**
 * What each start-up trick saves: the case it serves, timed against a build without it, in paired
 * runs. A trick that saves less than 5% of its case has not earned its place.
 */
async function tricks() {
  console.log(`\nwhat each start-up trick saves (${RUNS} paired runs, against a build without it)`);
  const variant = (trick) => {
    const out = join(dir, `without-${trick}`);
    const r = spawnSync(node, ['scripts/build.mjs', '--outdir', out, '--without', trick], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`the build without ${trick} failed`);
    return join(out, 'trigger.cjs');
  };
  const saving = async (trick, what, args, opts = {}) => {
    const without = variant(trick);
    const run = await paired([trig, ...args], [without, ...args], undefined, opts);
    const saved = 1 - run.ms / run.base;
    console.log(
      `${trick.padEnd(20)} ${what.padEnd(28)} ${run.ms.toFixed(1).padStart(7)} ms, without it ${run.base.toFixed(1).padStart(7)} ms: saves ${(saved * 100).toFixed(1).padStart(5)}%  ${saved >= 0.05 ? 'keeps its place' : 'UNDER 5%'}`,
    );
    return without;
  };
  const withoutCache = await saving('code-cache', 'list (3)', ['list', 'small']);
  await saving('baked-help', '--help', ['--help']);
  // An ES module cannot take the code cache: CommonJS is measured against it with neither cached.
  const esm = variant('commonjs');
  const format = await paired([withoutCache, 'list', 'small'], [esm, 'list', 'small']);
  const formatSaved = 1 - format.ms / format.base;
  console.log(
    `${'commonjs'.padEnd(20)} ${'list (3), neither cached'.padEnd(28)} ${format.ms.toFixed(1).padStart(7)} ms, as ES module ${format.base.toFixed(1).padStart(7)} ms: saves ${(formatSaved * 100).toFixed(1).padStart(5)}%  ${formatSaved >= 0.05 ? 'keeps its place' : 'UNDER 5%'}`,
  );
  await saving('own-table', 'list (3)', ['list', 'small']);
  await saving('own-table', 'list (10,000)', ['list', 'big'], { runs: 5 });
  // The CLI sets --liftoff-only on Node 20 alone (src/api/http.ts), where it speeds up a proxied run.
  if (Number(nodeVersion.replace(/^v/, '').split('.')[0]) >= 22) {
    console.log(`${'liftoff-only'.padEnd(20)} not set on Node 22 and later, where it slowed a proxied run down`);
    return;
  }
  const proxy = await forwardProxy();
  try {
    const remote = {
      HTTP_PROXY: proxy.url,
      DOCKERCLOUD_REST_HOST: `http://bench.invalid:${new URL(host).port}/`,
      DOCKERCLOUD_INSECURE: '1',
    };
    await saving('liftoff-only', 'list (3) through a proxy', ['list', 'small'], { env: remote });
  } finally {
    proxy.close();
  }
}

/**
 * A forward proxy on loopback that sends every request to 127.0.0.1, whatever host it names. It runs
 * as a process of its own: the timed runs block this one.
 */
async function forwardProxy() {
  const { spawn } = await import('node:child_process');
  const { once } = await import('node:events');
  const { createInterface } = await import('node:readline');
  const code = `const http = require('node:http');
    const server = http.createServer((req, res) => {
      const url = new URL(req.url);
      const up = http.request({ host: '127.0.0.1', port: url.port, path: url.pathname + url.search, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = await once(createInterface({ input: child.stdout }), 'line');
  return { url: `http://127.0.0.1:${port}/`, close: () => child.kill() };
}
