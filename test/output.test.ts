// The table and trigger rendering (src/output/table.ts, src/output/render.ts) and safeText (src/io.ts).
import { describe, expect, it } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { Trigger } from '../src/api/types.js';
import { safeText, type IO } from '../src/io.js';
import { absoluteUrl, printTriggers, TRIGGER_HEADERS, triggerRow } from '../src/output/render.js';

/** The trigger table as list (full = false) and create (full = true) print it. */
function printTriggerTable(io: IO, triggers: Trigger[], host: string, full: boolean, header = true): Promise<void> {
  return printTriggers(io, { kind: 'table', header, trunc: !full }, triggers, host);
}
import { renderTable } from '../src/output/table.js';

function makeIO(opts: Partial<IO> = {}): IO & { output: () => string } {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  return {
    stdout,
    stderr: new PassThrough(),
    stdin: Readable.from([]),
    isTTY: false,
    stderrTTY: false,
    stdinTTY: false,
    color: false,
    columns: undefined,
    ...opts,
    output: () => Buffer.concat(chunks).toString('utf8'),
  };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

const SERVICE = 'a1b2c3d4-0000-4000-8000-000000000001';
function trigger(uuid: string, name: string, operation: 'REDEPLOY' | 'SCALEUP' = 'REDEPLOY', ns?: string): Trigger {
  const base = `/api/app/v1/${ns ? `${ns}/` : ''}service/${SERVICE}/trigger/${uuid}/`;
  return { uuid, name, operation, url: `${base}call/`, resource_uri: base };
}
const T1 = trigger('d1d1d1d1-0000-4000-8000-00000000000a', 'deploy-hook');
const T2 = trigger('d2d2d2d2-0000-4000-8000-00000000000b', 'scale', 'SCALEUP');
const HOST = 'http://127.0.0.1:8080/';

describe('renderTable', () => {
  it('aligns columns with 3-space gaps under a header, without trailing spaces', () => {
    const text = renderTable(makeIO(), ['A', 'BB', 'C'], [
      ['x', 'yyyy', 'z'],
      ['long-value', 'y', 'zz'],
    ]);
    expect(text).toBe(['A            BB     C', 'x            yyyy   z', 'long-value   y      zz', ''].join('\n'));
  });

  it('pads to the header when it is the widest cell', () => {
    expect(renderTable(makeIO(), ['NAME', 'OP'], [['a', 'b']])).toBe('NAME   OP\na      b\n');
  });

  it('no rows: the header alone; without a header: the rows alone, or nothing at all', () => {
    expect(renderTable(makeIO(), ['A', 'BB', 'C'], [])).toBe('A   BB   C\n');
    expect(renderTable(makeIO(), ['A', 'BB', 'C'], [['1', '2', '3']], { header: false })).toBe('1   2   3\n');
    expect(renderTable(makeIO(), ['A', 'BB', 'C'], [], { header: false })).toBe('');
  });

  it('leaves no trailing whitespace when the last cells are short or empty', () => {
    const text = renderTable(makeIO(), ['A', 'LAST'], [
      ['a', ''],
      ['b', 'long last cell'],
      ['c', 'x'],
    ]);
    for (const line of text.split('\n')) expect(line).toBe(line.trimEnd());
    expect(text.split('\n')).toHaveLength(5);
  });

  it('neutralises control characters from the server: no escapes, no extra lines, alignment kept', () => {
    const evil = ['evil\u001b[2Jname', 'line\nbreak', 'csi\u009b31m', 'bell\u0007', 'tab\there', 'nul\u0000'];
    const text = renderTable(makeIO({ color: true }), ['NAME', 'OP'], evil.map((e) => [e, 'REDEPLOY']));
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(evil.length + 1);
    for (const line of lines.slice(1)) {
      expect(line).not.toMatch(CONTROL);
      expect(line.indexOf('REDEPLOY')).toBe(stripAnsi(lines[0]!).indexOf('OP'));
    }
    expect(text).toContain('evil\uFFFD[2Jname');
    expect(text).toContain('line\uFFFDbreak');
  });

  it('colours only the header when colour is on; the text is the same without the escapes', () => {
    const rows = [['x', 'yyyy']];
    const plain = renderTable(makeIO(), ['A', 'B'], rows);
    const coloured = renderTable(makeIO({ color: true }), ['A', 'B'], rows);
    expect(plain).not.toContain('\x1b[');
    expect(coloured.split('\n')[0]).toContain('\x1b[');
    expect(coloured.split('\n')[1]).not.toContain('\x1b[');
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it('on a TTY, shortens the chosen column with an ellipsis to fit the width', () => {
    const rows = [T1, T2].map((t) => triggerRow(t, HOST, true));
    const wide = renderTable(makeIO(), TRIGGER_HEADERS, rows, { shrink: 3 });
    const fitted = renderTable(makeIO({ isTTY: true, columns: 100 }), TRIGGER_HEADERS, rows, { shrink: 3 });
    const wideLines = wide.slice(0, -1).split('\n');
    const fittedLines = fitted.slice(0, -1).split('\n');
    expect(Math.max(...wideLines.map((l) => l.length))).toBeGreaterThan(100);
    expect(fittedLines).toHaveLength(3);
    for (const line of fittedLines) expect(line.length).toBeLessThanOrEqual(100);
    expect(fittedLines[0]).toBe(wideLines[0]!.trimEnd());
    const urlAt = fittedLines[0]!.indexOf('URL');
    for (let i = 1; i < fittedLines.length; i++) {
      // The other columns are untouched; the URL keeps its start and ends with an ellipsis.
      expect(fittedLines[i]!.slice(0, urlAt)).toBe(wideLines[i]!.slice(0, urlAt));
      const url = fittedLines[i]!.slice(urlAt);
      expect(url.endsWith('…')).toBe(true);
      expect(rows[i - 1]![3]!.startsWith(url.slice(0, -1))).toBe(true);
    }
    expect(Math.max(...fittedLines.map((l) => l.length))).toBe(100);
  });

  it('does not shorten when stdout is not a TTY, even with a width, nor when the table fits', () => {
    const rows = [T1, T2].map((t) => triggerRow(t, HOST, true));
    const plain = renderTable(makeIO(), TRIGGER_HEADERS, rows, { shrink: 3 });
    expect(renderTable(makeIO({ isTTY: false, columns: 60 }), TRIGGER_HEADERS, rows, { shrink: 3 })).toBe(plain);
    expect(renderTable(makeIO({ isTTY: true, columns: 400 }), TRIGGER_HEADERS, rows, { shrink: 3 })).toBe(plain);
    expect(renderTable(makeIO({ isTTY: true, columns: 60 }), TRIGGER_HEADERS, rows)).toBe(plain);
    expect(plain).not.toContain('…');
  });
});

describe('fitting to a terminal', () => {
  const headers = ['A', 'URL'];
  const rows = [['aaaa', 'http://example.com/very/long']];
  /** The cells of the rows as a terminal `columns` wide shows them (header line left out). */
  const fitRows = (h: string[], r: string[][], columns: number | undefined, shrink: number | undefined): string[][] =>
    renderTable(makeIO({ isTTY: true, columns }), h, r, { shrink })
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/ {3,}/));

  it('leaves the rows as they are without a width or a column to shrink, or when they fit', () => {
    expect(fitRows(headers, rows, undefined, 1)).toEqual(rows);
    expect(fitRows(headers, rows, 20, undefined)).toEqual(rows);
    expect(fitRows(headers, rows, 35, 1)).toEqual(rows);
  });

  it('shortens the column by exactly the excess', () => {
    expect(fitRows(headers, rows, 20, 1)).toEqual([['aaaa', 'http://examp…']]);
    expect(fitRows(headers, rows, 34, 1)).toEqual([['aaaa', 'http://example.com/very/lo…']]);
  });

  it('keeps at least 10 characters (or the header width) of the shortened column', () => {
    expect(fitRows(headers, rows, 5, 1)).toEqual([['aaaa', 'http://ex…']]);
    expect(fitRows(['A', 'A-VERY-LONG-HEADER'], rows, 5, 1)).toEqual([['aaaa', 'http://example.co…']]);
  });

  it('leaves short cells of the shrunk column and the other columns alone', () => {
    const mixed = [
      ['a', 'short'],
      ['b', 'x'.repeat(40)],
    ];
    const fitted = fitRows(['K', 'V'], mixed, 20, 1);
    expect(fitted[0]).toEqual(['a', 'short']);
    expect(fitted[1]![0]).toBe('b');
    expect(fitted[1]![1]).toBe(`${'x'.repeat(15)}…`);
    expect(mixed[1]![1]).toHaveLength(40);
  });
});


describe('triggerRow and the trigger table', () => {
  it('a row: UUID cut to 8 unless full, name, operation, absolute call URL', () => {
    expect(triggerRow(T1, HOST, false)).toEqual([
      'd1d1d1d1',
      'deploy-hook',
      'REDEPLOY',
      `http://127.0.0.1:8080/api/app/v1/service/${SERVICE}/trigger/${T1.uuid}/call/`,
    ]);
    expect(triggerRow(T1, HOST, true)[0]).toBe(T1.uuid);
    expect(triggerRow(T2, 'https://cloud.docker.com/', false)[3]).toBe(`https://cloud.docker.com${T2.url}`);
    const namespaced = trigger(T1.uuid, 'n', 'REDEPLOY', 'acme');
    expect(triggerRow(namespaced, HOST, false)[3]).toBe(`http://127.0.0.1:8080/api/app/v1/acme/service/${SERVICE}/trigger/${T1.uuid}/call/`);
  });

  it('prints the table with the UUID NAME OPERATION URL header to stdout', async () => {
    const io = makeIO();
    await printTriggerTable(io, [T1, T2], HOST, false);
    expect(io.output()).toBe(
      [
        'UUID       NAME          OPERATION   URL',
        `d1d1d1d1   deploy-hook   REDEPLOY    ${HOST}${T1.url.slice(1)}`,
        `d2d2d2d2   scale         SCALEUP     ${HOST}${T2.url.slice(1)}`,
        '',
      ].join('\n'),
    );
  });

  it('full UUIDs widen the first column; no triggers print the header alone; header=false prints no header', async () => {
    const full = makeIO();
    await printTriggerTable(full, [T1], HOST, true);
    expect(full.output()).toBe(`UUID                                   NAME          OPERATION   URL\n${T1.uuid}   deploy-hook   REDEPLOY    ${HOST}${T1.url.slice(1)}\n`);
    const none = makeIO();
    await printTriggerTable(none, [], HOST, false);
    expect(none.output()).toBe('UUID   NAME   OPERATION   URL\n');
    const bare = makeIO();
    await printTriggerTable(bare, [T2], HOST, false, false);
    expect(bare.output()).toBe(`d2d2d2d2   scale   SCALEUP   ${HOST}${T2.url.slice(1)}\n`);
  });

  it('shortens the URL column on a narrow TTY and neutralises names chosen by the server', async () => {
    const io = makeIO({ isTTY: true, columns: 70 });
    await printTriggerTable(io, [trigger(T1.uuid, 'x\u001b]0;pwned\u0007y')], HOST, false);
    const lines = io.output().slice(0, -1).split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(70);
      expect(line).not.toMatch(CONTROL);
    }
    expect(lines[1]).toContain('x\uFFFD]0;pwned\uFFFDy');
    expect(lines[1]!.endsWith('…')).toBe(true);
  });
});

describe('safeText', () => {
  it('replaces C0, DEL and C1 control characters and keeps printable text', () => {
    expect(safeText('a\u001b[31mb\u007fc\u0085d\ne\tf\rg')).toBe('a\uFFFD[31mb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg');
    expect(safeText('héllo wörld – ✓ 日本')).toBe('héllo wörld – ✓ 日本');
    expect(safeText(undefined)).toBe('');
    expect(safeText(null)).toBe('null');
    expect(safeText(42)).toBe('42');
    expect(safeText({ a: 'b\u009b' })).toBe('{"a":"b\\u009b"}');
  });
});

describe('the layout is cli-table3\'s, borderless and unpadded', () => {
  /** The same table laid out by cli-table3, the way the CLI used it before it laid tables out itself. */
  function cliTable3(io: IO, headers: string[], rows: string[][], header = true): string {
    if (!header && rows.length === 0) return '';
    const chalk = new Chalk({ level: io.color ? 1 : 0 });
    const none = { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '' };
    const table = new Table({
      head: header ? headers.map((h) => chalk.bold(h)) : [],
      chars: { ...none, left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ' },
      style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    });
    table.push(...rows);
    return `${table
      .toString()
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')}\n`;
  }

  // Names of every kind the server may send: ASCII, wide CJK, emoji, accents, empty.
  const names = ['deploy-hook', '部署フック', 'café', '🚀 rocket', '', 'x'.repeat(40), 'ｆｕｌｌ', 'a\u0301b'];
  // More than two batches of 500 lines.
  const rows = Array.from({ length: 1_050 }, (_, i) => [
    `${String(i).padStart(8, '0')}`,
    names[i % names.length]!,
    i % 3 ? 'REDEPLOY' : 'SCALEUP',
    `${HOST}api/app/v1/service/${SERVICE}/trigger/${i}/call/`,
  ]);

  for (const color of [false, true]) {
    for (const header of [true, false]) {
      it(`the same bytes (colour ${color ? 'on' : 'off'}, header ${header ? 'on' : 'off'})`, () => {
        const io = makeIO({ color });
        const expected = cliTable3(io, TRIGGER_HEADERS, rows, header);
        expect(renderTable(io, TRIGGER_HEADERS, rows, { header })).toBe(expected);
        expect(expected.split('\n')).toHaveLength(rows.length + (header ? 1 : 0) + 1);
      });
    }
  }

  it('the same bytes for a table with no rows, and for one column', () => {
    const io = makeIO();
    expect(renderTable(io, TRIGGER_HEADERS, [])).toBe(cliTable3(io, TRIGGER_HEADERS, []));
    expect(renderTable(io, ['NAME'], [['部署'], ['a']])).toBe(cliTable3(io, ['NAME'], [['部署'], ['a']]));
  });

  it('the same bytes when last cells are empty or end in blanks (no trailing blanks on any line)', () => {
    const io = makeIO();
    const rows = [['a', 'x', ''], ['bbbb', '', ''], ['c', 'y', 'z  '], ['', '', '\u00a0'], ['d', 'w', 'v']];
    const text = renderTable(io, ['A', 'B', 'C'], rows);
    expect(text).toBe(cliTable3(io, ['A', 'B', 'C'], rows));
    expect(text.split('\n').filter((l) => /\s$/.test(l))).toEqual([]);
  });
});

describe('absoluteUrl', () => {
  it('joins as the URL parser does, for plain paths and for every other kind', () => {
    const paths = [
      `/api/app/v1/service/${SERVICE}/trigger/${T1.uuid}/call/`,
      '/',
      '/a/../b/',
      '/a/./b/',
      '//elsewhere.example/x',
      '/a?b',
      '/a#b',
      '/.hidden/',
      '/a//b/',
      'relative/x',
      '/a b/',
      '/é/',
      '/a%2e/',
      'https://other.example/x/',
    ];
    for (const host of [HOST, 'https://cloud.docker.com/']) {
      for (const p of paths) expect(absoluteUrl(p, host), p).toBe(new URL(p, host).href);
    }
  });
});

describe('--no-trunc on a terminal', () => {
  const long = trigger('d1d1d1d1-0000-4000-8000-00000000000a', 'deploy-hook');
  it('keeps the URL whole, where the default table shortens it to the width', async () => {
    const cut = makeIO({ isTTY: true, columns: 60 });
    await printTriggers(cut, { kind: 'table', header: true, trunc: true }, [long], HOST);
    expect(cut.output()).toContain('…');
    const whole = makeIO({ isTTY: true, columns: 60 });
    await printTriggers(whole, { kind: 'table', header: true, trunc: false }, [long], HOST);
    expect(whole.output()).not.toContain('…');
    expect(whole.output()).toContain(`${HOST.slice(0, -1)}${long.url}`);
  });
});
