// Collects every stdout and stderr the CLI produced during the run, and checks at the end that no
// known test secret appears in any of them (see test/helpers/secrets.ts).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    outputsDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'trigger-outputs-'));
  project.provide('outputsDir', dir);
  return () => {
    const files = readdirSync(dir);
    const secrets = new Set<string>();
    const outputs: { file: string; text: string }[] = [];
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      if (f.startsWith('secrets-')) {
        for (const s of text.split('\n')) if (s) secrets.add(s);
      } else {
        outputs.push({ file: f, text });
      }
    }
    rmSync(dir, { recursive: true, force: true });
    const leaks: string[] = [];
    for (const { text } of outputs) {
      // The first line is the command line, which may hold a secret on purpose (a rejected --password).
      const [command, ...printed] = text.split('\n');
      for (const s of secrets) if (printed.join('\n').includes(s)) leaks.push(`trigger ${command} printed ${s.slice(0, 4)}…`);
    }
    // vitest reports an error thrown here but still exits 0, so the exit code is set as well.
    const fail = (message: string): never => {
      process.exitCode = 1;
      throw new Error(message);
    };
    if (outputs.length === 0) fail('secret scan: no CLI output was recorded');
    if (leaks.length > 0) fail(`secret scan: test secrets appear in CLI output:\n${leaks.join('\n')}`);
    process.stdout.write(`secret scan: ${secrets.size} secrets, ${outputs.length} recorded outputs, no leak\n`);
  };
}
