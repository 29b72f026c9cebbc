// A short scripted session of the real trigger CLI against a fresh in-memory emulator.
import { spawnSync } from 'node:child_process';
import { startEmulator } from './emulator.mjs';

const emulator = await startEmulator();
console.log(`# emulator ${emulator.line}\n`);

const env = { ...process.env, ...emulator.env, TRIGGER_CONFIG_DIR: '/nonexistent-demo-config' };

let failed = false;
function trigger(...args) {
  console.log(`$ trigger ${args.map((a) => (/[\s"'{}]/.test(a) ? `'${a}'` : a)).join(' ')}`);
  const r = spawnSync(process.execPath, ['bin/trigger.cjs', ...args], { env, encoding: 'utf8' });
  process.stdout.write(r.stdout + r.stderr);
  if (r.status !== 0) {
    console.log(`(exit code ${r.status})`);
    failed = true;
  }
  console.log();
  return r.stdout.trim();
}

/** `trigger ARGS` on a terminal `columns` wide (util-linux script(1)), where the table is fitted to it. */
function onTerminal(columns, ...args) {
  const command = ['bin/trigger.cjs', ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', `stty cols ${columns}; '${process.execPath}' ${command}`, '/dev/null'], {
    env: { ...env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) return;
  console.log(`$ trigger ${args.join(' ')}        # on a terminal ${columns} columns wide`);
  process.stdout.write(`${r.stdout.replaceAll('\r\n', '\n')}\n`);
}

try {
  trigger('create', 'web', '--name', 'deploy-hook');
  trigger('create', 'web.demo', '--name', 'scale-hook', '--operation', 'scaleup');
  trigger('services');
  trigger('list', 'web');
  onTerminal(80, 'list', 'web');
  trigger('inspect', 'web', 'deploy-hook');
  trigger('call', 'web', 'deploy-hook', '--data', '{"ref":"main"}');
  trigger('call', 'web', 'scale-hook', '--scale', '2', '--json');
  trigger('rm', 'web', 'deploy-hook', 'scale-hook');
  trigger('list', 'web');
} finally {
  emulator.stop();
}
console.log('# To run trigger yourself: `npm link` once puts it on your PATH; or, inside this folder, `npx trigger ...`.');
process.exitCode = failed ? 1 : 0;
