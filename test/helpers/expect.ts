// What every test expects of the CLI's output: an error reported as one `Error: ...` line, a
// borderless table with aligned columns, and the request and answer lines of --debug.
import { expect } from 'vitest';
import type { Result } from './cli.js';

/**
 * The stderr of a failed run: a first line `Error: ...` holding each of `parts`, no stack trace, no
 * [object Object], one Error line in all. Returns that line.
 */
export function expectErrorLine(r: Result, ...parts: (string | RegExp)[]): string {
  const first = r.stderr.split('\n')[0];
  expect(first).toMatch(/^Error: \S/);
  for (const p of parts) {
    if (typeof p === 'string') expect(first).toContain(p);
    else expect(first).toMatch(p);
  }
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('[object Object]');
  expect(r.stderr.match(/^Error:/gm)).toHaveLength(1);
  return first;
}

/** Checks a borderless table (header first, columns aligned, 3-space gaps, no trailing spaces); returns its rows. */
export function parseTable(text: string, headers = ['UUID', 'NAME', 'OPERATION', 'URL']): string[][] {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  const starts = headers.map((h) => lines[0].indexOf(h));
  expect(starts[0]).toBe(0);
  for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThan(starts[i - 1]);
  const rows = lines.map((line) => {
    expect(line).toBe(line.trimEnd());
    return starts.map((s, i) => {
      if (i > 0) {
        expect(line.slice(s - 3, s)).toBe('   ');
        expect(line[s]).not.toBe(' ');
      }
      return line.slice(s, starts[i + 1] ?? line.length).trimEnd();
    });
  });
  for (let i = 0; i < starts.length - 1; i++) {
    const widest = Math.max(...rows.map((r) => r[i].length));
    expect(starts[i + 1] - starts[i] - widest).toBe(3);
  }
  expect(rows[0]).toEqual(headers);
  return rows.slice(1);
}

/** Lines of a --debug run: requests ('>') and responses ('<'), with or without a prefix. */
export function debugLines(stderr: string): { sent: string[]; received: string[] } {
  const lines = stderr.split('\n');
  return {
    sent: lines.filter((l) => /^(\[debug\] )?> /.test(l)),
    received: lines.filter((l) => /^(\[debug\] )?< /.test(l)),
  };
}
