// `trigger call --data`: the body is capped at 4 MiB, whether given as text, @file or on standard input;
// reading stops once it is over the cap (an endless /dev/zero or `yes |` ends at once), the run exits 2
// naming the limit, and nothing is sent. A body of exactly 4 MiB is sent whole. Built CLI where the
// process matters (stdin, files), against a scripted loopback server. At a terminal, `--data -` first
// says that it reads standard input until Ctrl-D.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_CALL_BODY } from '../../src/commands/call.js';
import { triggerCallPath } from '../../src/api/paths.js';
import { runCli, startCli, tempHome } from '../helpers/cli.js';
import { json, startFaultServer, type FaultServer } from '../helpers/fault-server.js';
import { T_DEPLOY, WEB_DEMO } from '../helpers/fixture.js';
import { HAS_SCRIPT, NO_SCRIPT, runInPty } from '../helpers/pty.js';

const TOO_LARGE = 'Error: the --data body is larger than 4 MiB, the most a call sends\n';

let server: FaultServer;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trigger-call-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
});

async function callServer(): Promise<string> {
  server = await startFaultServer();
  server.fallback(json(202, {}, { 'x-dockercloud-action-uri': '/api/audit/v1/action/5c5c5c5c-0000-4000-8000-00000000000d/' }));
  return `${server.url}${triggerCallPath(WEB_DEMO, T_DEPLOY)}`;
}

const firstLines = (stderr: string): string => `${stderr.split('\n')[0]}\n`;

describe('call --data is capped at 4 MiB', () => {
  it('is 4 MiB', () => {
    expect(MAX_CALL_BODY).toBe(4 * 1024 * 1024);
  });

  it('@file of exactly 4 MiB is sent whole; one byte more is refused before anything is sent (exit 2)', async () => {
    const url = await callServer();
    const exact = join(dir, 'exact');
    writeFileSync(exact, Buffer.alloc(MAX_CALL_BODY, 'a'));
    const sent = await startCli(['call', url, '--data', `@${exact}`], tempHome()).done;
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body.length).toBe(MAX_CALL_BODY);

    const over = join(dir, 'over');
    writeFileSync(over, Buffer.alloc(MAX_CALL_BODY + 1, 'a'));
    const refused = await startCli(['call', url, '--data', `@${over}`], tempHome()).done;
    expect(refused.code).toBe(2);
    expect(firstLines(refused.stderr)).toBe(TOO_LARGE);
    expect(server.requests).toHaveLength(1);
  });

  it('@/dev/zero ends at once with exit 2', async () => {
    const url = await callServer();
    const r = await startCli(['call', url, '--data', '@/dev/zero'], tempHome()).done;
    expect(r.code).toBe(2);
    expect(firstLines(r.stderr)).toBe(TOO_LARGE);
    expect(server.requests).toHaveLength(0);
  });

  it('standard input that never ends (`yes |`) is read no further than the cap: exit 2', async () => {
    const url = await callServer();
    const run = startCli(['call', url, '--data', '-'], tempHome());
    // Writes until the CLI stops reading and exits; a CLI that reads on gets 64 MiB, then the end.
    const chunk = Buffer.alloc(64 * 1024, 'y\n');
    let accepted = 0;
    const stdin = run.child.stdin!;
    stdin.on('error', () => {});
    const pump = (): void => {
      while (!stdin.destroyed && accepted < 64 * 1024 * 1024) {
        accepted += chunk.length;
        if (!stdin.write(chunk)) return void stdin.once('drain', pump);
      }
      if (!stdin.destroyed) stdin.end();
    };
    pump();
    const r = await run.done;
    expect(r.code).toBe(2);
    expect(firstLines(r.stderr)).toBe(TOO_LARGE);
    expect(server.requests).toHaveLength(0);
    // What the pipe took: the cap, and no more than a few chunks past it.
    expect(accepted).toBeLessThan(MAX_CALL_BODY + 1024 * 1024);
  });

  it('literal text over the cap is refused too', async () => {
    const url = await callServer();
    const r = await runCli(['call', url, '--data', 'x'.repeat(MAX_CALL_BODY + 1)], tempHome());
    expect(r.code).toBe(2);
    expect(firstLines(r.stderr)).toBe(TOO_LARGE);
    expect(server.requests).toHaveLength(0);
  });
});

describe.skipIf(!HAS_SCRIPT)(`call --data - at a terminal${HAS_SCRIPT ? '' : ` (${NO_SCRIPT})`}`, () => {
  it('says on stderr that it reads the body until Ctrl-D, then sends what was typed', async () => {
    const url = await callServer();
    const r = await runInPty(['call', url, '--data', '-'], tempHome(), [['(Ctrl-D to end)\r\n', 'line one\r\u0004']]);
    expect(r.output).toMatch(/^reading the body from standard input \(Ctrl-D to end\)\r\nline one\r\nTriggered /);
    expect(r.code).toBe(0);
    expect(server.requests.map((q) => q.body)).toEqual(['line one\n']);
  });
});
