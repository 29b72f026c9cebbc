// The table and trigger rendering (src/output/table.ts, src/output/render.ts) and safeText (src/io.ts).
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { Trigger } from '../src/api/types.js';
import { safeText, type IO } from '../src/io.js';
import stringWidth from 'string-width';
import { T_DEPLOY, T_SCALE, WEB_DEMO } from './helpers/fixture.js';
import { memoryIO } from './helpers/cli.js';
import { absoluteUrl, printTriggers, TRIGGER_COLUMNS as TRIGGER_TABLE, TRIGGER_HEADERS, triggerRow } from '../src/output/render.js';

/** The trigger table as list (full = false) and create (full = true) print it. */
function printTriggerTable(io: IO, triggers: Trigger[], host: string, full: boolean, header = true): Promise<void> {
  return printTriggers(io, { kind: 'table', header, trunc: !full }, triggers, host);
}
import { cutEnd, cutMiddle, renderTable, shortenUrl, stateColour } from '../src/output/table.js';

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');

const SERVICE = WEB_DEMO;
function trigger(uuid: string, name: string, operation: 'REDEPLOY' | 'SCALEUP' = 'REDEPLOY', ns?: string): Trigger {
  const base = `/api/app/v1/${ns ? `${ns}/` : ''}service/${SERVICE}/trigger/${uuid}/`;
  return { uuid, name, operation, url: `${base}call/`, resource_uri: base };
}
const T1 = trigger(T_DEPLOY, 'deploy-hook');
const T2 = trigger(T_SCALE, 'scale', 'SCALEUP');
const HOST = 'http://127.0.0.1:8080/';

describe('renderTable', () => {
  it('aligns columns with 3-space gaps under a header, without trailing spaces', () => {
    const text = renderTable(
      memoryIO(),
      ['A', 'BB', 'C'],
      [
        ['x', 'yyyy', 'z'],
        ['long-value', 'y', 'zz'],
      ],
    );
    expect(text).toBe(['A            BB     C', 'x            yyyy   z', 'long-value   y      zz', ''].join('\n'));
  });

  it('pads to the header when it is the widest cell', () => {
    expect(renderTable(memoryIO(), ['NAME', 'OP'], [['a', 'b']])).toBe('NAME   OP\na      b\n');
  });

  it('no rows: the header alone; without a header: the rows alone, or nothing at all', () => {
    expect(renderTable(memoryIO(), ['A', 'BB', 'C'], [])).toBe('A   BB   C\n');
    expect(renderTable(memoryIO(), ['A', 'BB', 'C'], [['1', '2', '3']], { header: false })).toBe('1   2   3\n');
    expect(renderTable(memoryIO(), ['A', 'BB', 'C'], [], { header: false })).toBe('');
  });

  it('leaves no trailing whitespace when the last cells are short or empty', () => {
    const text = renderTable(
      memoryIO(),
      ['A', 'LAST'],
      [
        ['a', ''],
        ['b', 'long last cell'],
        ['c', 'x'],
      ],
    );
    for (const line of text.split('\n')) expect(line).toBe(line.trimEnd());
    expect(text.split('\n')).toHaveLength(5);
  });

  it('neutralises control characters from the server: no escapes, no extra lines, alignment kept', () => {
    const evil = ['evil\u001b[2Jname', 'line\nbreak', 'csi\u009b31m', 'bell\u0007', 'tab\there', 'nul\u0000'];
    const text = renderTable(
      memoryIO({ color: true }),
      ['NAME', 'OP'],
      evil.map((e) => [e, 'REDEPLOY']),
    );
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(evil.length + 1);
    for (const line of lines.slice(1)) {
      expect(line).not.toMatch(CONTROL);
      expect(line.indexOf('REDEPLOY')).toBe(stripAnsi(lines[0]).indexOf('OP'));
    }
    expect(text).toContain('evil\uFFFD[2Jname');
    expect(text).toContain('line\uFFFDbreak');
  });

  it('colours only the header when colour is on; the text is the same without the escapes', () => {
    const rows = [['x', 'yyyy']];
    const plain = renderTable(memoryIO(), ['A', 'B'], rows);
    const coloured = renderTable(memoryIO({ color: true }), ['A', 'B'], rows);
    expect(plain).not.toContain('\x1b[');
    expect(coloured.split('\n')[0]).toContain('\x1b[');
    expect(coloured.split('\n')[1]).not.toContain('\x1b[');
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it('on a TTY, fits the trigger table to the width: the URL shortened in the middle, the rest whole', () => {
    const rows = [T1, T2].map((t) => triggerRow(t, HOST, false));
    const wide = renderTable(memoryIO(), TRIGGER_HEADERS, rows, { fit: true, columns: TRIGGER_TABLE });
    const fitted = renderTable(memoryIO({ isTTY: true, columns: 130 }), TRIGGER_HEADERS, rows, { fit: true, columns: TRIGGER_TABLE });
    const wideLines = wide.slice(0, -1).split('\n');
    const fittedLines = fitted.slice(0, -1).split('\n');
    expect(Math.max(...wideLines.map((l) => l.length))).toBeGreaterThan(130);
    expect(fittedLines).toHaveLength(3);
    expect(Math.max(...fittedLines.map((l) => l.length))).toBe(130);
    expect(fittedLines[0]).toBe(wideLines[0].trimEnd());
    const urlAt = fittedLines[0].indexOf('URL');
    for (let i = 1; i < fittedLines.length; i++) {
      expect(fittedLines[i].slice(0, urlAt)).toBe(wideLines[i].slice(0, urlAt));
      // The host and the trigger part stay; the service path, the same on every row, goes.
      const url = fittedLines[i].slice(urlAt);
      const whole = rows[i - 1][3];
      const tail = whole.slice(whole.indexOf('/trigger/'));
      expect(url).toBe(`${whole.slice(0, 130 - urlAt - 1 - tail.length)}…${tail}`);
      expect(url.startsWith(HOST)).toBe(true);
    }
  });

  it('does not fit when stdout is not a TTY, even with a width, nor when the table fits, nor unless asked', () => {
    const rows = [T1, T2].map((t) => triggerRow(t, HOST, false));
    const plain = renderTable(memoryIO(), TRIGGER_HEADERS, rows, { fit: true, columns: TRIGGER_TABLE });
    expect(renderTable(memoryIO({ isTTY: false, columns: 60 }), TRIGGER_HEADERS, rows, { fit: true, columns: TRIGGER_TABLE })).toBe(plain);
    expect(renderTable(memoryIO({ isTTY: true, columns: 400 }), TRIGGER_HEADERS, rows, { fit: true, columns: TRIGGER_TABLE })).toBe(plain);
    expect(renderTable(memoryIO({ isTTY: true, columns: 60 }), TRIGGER_HEADERS, rows, { columns: TRIGGER_TABLE })).toBe(plain);
    expect(plain).not.toContain('…');
  });
});

describe('shortenUrl', () => {
  const url = `https://cloud.docker.com/api/app/v1/service/${SERVICE}/trigger/${T1.uuid}/call/`;
  const tail = `/trigger/${T1.uuid}/call/`;

  it('first leaves out the path between the host and the trigger part, the same on every row of a service', () => {
    expect(shortenUrl(url, url.length)).toBe(url);
    expect(shortenUrl(url, url.length - 1)).toBe(`https://cloud.docker.com/api/app/v1/service/${SERVICE.slice(0, -2)}…${tail}`);
    expect(shortenUrl(url, 25 + 1 + tail.length)).toBe(`https://cloud.docker.com/…${tail}`);
  });

  it('then the end of the trigger part, down to 8 characters of its UUID; then the host', () => {
    expect(shortenUrl(url, 25 + tail.length)).toBe(`https://cloud.docker.com/…${tail.slice(0, -2)}…`);
    expect(shortenUrl(url, 25 + 19)).toBe('https://cloud.docker.com/…/trigger/d1d1d1d1…');
    expect(shortenUrl(url, 25 + 18)).toBe('…/trigger/d1d1d1d1-0000-4000-8000-00000000…');
    expect(shortenUrl(url, 19)).toBe('…/trigger/d1d1d1d1…');
    expect(shortenUrl(url, 18)).toBe('…/d1d1d1d1-0000-4…');
    expect(shortenUrl(url, 5)).toBe('…/d1…');
    expect(shortenUrl(url, 2)).toBe('h…');
    expect(shortenUrl(url, 1)).toBe('…');
  });

  it('is exactly as wide as the room, for every room', () => {
    for (let room = 1; room <= url.length; room++) expect(shortenUrl(url, room)).toHaveLength(room);
  });

  it('shortens a URL of another shape in the middle', () => {
    expect(shortenUrl('https://example.com/some/other/path/', 21)).toBe('https://ex…ther/path/');
    expect(shortenUrl('not a URL at all, but long', 9)).toBe('not …long');
  });
});

describe('cutMiddle and cutEnd', () => {
  it('keep both ends of a name (the start a little longer), or its start', () => {
    expect(cutMiddle('deploy-hook-production-eu-west-1', 20)).toBe('deploy-hoo…eu-west-1');
    expect(cutMiddle('short', 20)).toBe('short');
    expect(cutMiddle('abcdef', 1)).toBe('…');
    expect(cutEnd('deploy-hook', 6)).toBe('deplo…');
    expect(cutEnd('deploy-hook', 0)).toBe('');
  });

  it('measure wide characters as two columns and never split one', () => {
    expect(cutMiddle('部署フック長い名前', 9)).toBe('部署…名前');
    expect(cutMiddle('部署フック長い名前', 8)).toBe('部署…前');
    expect(cutEnd('部署フック', 6)).toBe('部署…');
    expect(cutEnd('a\u0301bcdef', 3)).toBe('a\u0301b…');
    expect(cutEnd('🚀🚀🚀🚀', 5)).toBe('🚀🚀…');
  });
});

describe('fitting to a terminal', () => {
  const headers = ['ID', 'NAME', 'KIND', 'URL'];
  const rules = { NAME: { cut: 'text' }, URL: { cut: 'url' } } as const;
  const long = `${HOST}api/app/v1/service/${SERVICE}/trigger/${T1.uuid}/call/`;
  const rows = [
    ['aaaaaaaa', 'deploy-hook-production-eu-west-1-with-a-long-name', 'REDEPLOY', long],
    ['bbbbbbbb', 'ci', 'SCALEUP', long.replace('d1d1d1d1', 'e2e2e2e2')],
  ];
  /** The lines a terminal `columns` wide shows, the header first. */
  const lines = (columns: number, r: string[][] = rows, h = headers): string[] =>
    renderTable(memoryIO({ isTTY: true, columns }), h, r, { fit: true, columns: rules })
      .slice(0, -1)
      .split('\n');

  it('never exceeds the width, down to a terminal too narrow for the narrowest columns', () => {
    for (let columns = 1; columns <= 160; columns++) {
      const shown = lines(columns);
      expect(shown).toHaveLength(3);
      for (const line of shown) expect(line.length, `${columns}: ${line}`).toBeLessThanOrEqual(columns);
    }
  });

  it('keeps the columns without a cut whole, and the cells that fit', () => {
    const shown = lines(80).map((l) => l.split(/ {3,}/));
    expect(shown.map((cells) => cells[0])).toEqual(['ID', 'aaaaaaaa', 'bbbbbbbb']);
    expect(shown.map((cells) => cells[2])).toEqual(['KIND', 'REDEPLOY', 'SCALEUP']);
    expect(shown[2][1]).toBe('ci');
  });

  it('gives names room before the URL: the URL keeps only …/trigger/ and 8 characters of its UUID until names are whole', () => {
    const [, first, second] = lines(80).map((l) => l.split(/ {3,}/));
    expect(first[3]).toBe('…/trigger/d1d1d1d1…');
    expect(second[3]).toBe('…/trigger/e2e2e2e2…');
    expect(first[1]).toBe(cutMiddle(rows[0][1], 80 - 8 - 8 - 19 - 9));
    expect(first[1]).toBe('deploy-hook-produc…-with-a-long-name');
    // With room for the whole name, the URL takes what is left.
    const [, whole] = lines(130).map((l) => l.split(/ {3,}/));
    expect(whole[1]).toBe(rows[0][1]);
    expect(whole[3]).toBe(shortenUrl(long, 130 - 8 - rows[0][1].length - 8 - 9));
  });

  it('shares the room evenly between long names', () => {
    const wide = [['x'.repeat(60), 'y'.repeat(60)]];
    const shown = renderTable(memoryIO({ isTTY: true, columns: 43 }), ['A', 'B'], wide, {
      fit: true,
      columns: { A: { cut: 'text' }, B: { cut: 'text' } },
    });
    expect(shown).toBe(`A${' '.repeat(22)}B\n${'x'.repeat(10)}…${'x'.repeat(9)}   ${'y'.repeat(10)}…${'y'.repeat(9)}\n`);
  });

  it('on a terminal too narrow for the narrowest columns, cuts the lines at the edge', () => {
    expect(lines(30)).toEqual(['ID         NAME     KIND', 'aaaaaaaa   dep…me   REDEPLOY', 'bbbbbbbb   ci       SCALEUP']);
    expect(lines(20)).toEqual(['ID         NAME', 'aaaaaaaa   dep…me', 'bbbbbbbb   ci']);
    expect(lines(10)).toEqual(['ID', 'aaaaaaaa', 'bbbbbbbb']);
    expect(lines(5)).toEqual(['ID', 'aaaa…', 'bbbb…']);
  });

  it('keeps the alignment of wide characters when it cuts them', () => {
    const shown = lines(60, [
      ['aaaaaaaa', '部署フック-長い名前の例です-とても長い', 'REDEPLOY', long],
      ['bbbbbbbb', 'ascii-name-that-is-also-quite-long', 'SCALEUP', long],
    ]);
    const at = (line: string): number =>
      stringWidth(line.slice(0, line.indexOf(line.includes('REDEPLOY') ? 'REDEPLOY' : line.includes('SCALEUP') ? 'SCALEUP' : 'KIND')));
    expect(new Set(shown.map(at)).size).toBe(1);
    for (const line of shown) expect(stringWidth(line)).toBeLessThanOrEqual(60);
  });
});

describe('colour in tables', () => {
  const rows = [
    ['web', 'Running', 'REDEPLOY'],
    ['worker', 'Failed', 'SCALEUP'],
    ['db', 'In progress', 'REDEPLOY'],
    ['cache', 'Pending', 'REDEPLOY'],
    ['old', 'Stopped', 'REDEPLOY'],
    ['job', 'Success', 'REDEPLOY'],
  ];
  const rules = { STATE: { style: 'state' }, OPERATION: { style: 'dim' } } as const;

  it('a STATE column: Success and Running green, Failed red, In progress and Pending yellow; the operation dimmed', () => {
    const text = renderTable(memoryIO({ color: true }), ['NAME', 'STATE', 'OPERATION'], rows, { columns: rules });
    const lines = text.split('\n');
    expect(lines[1]).toContain('\x1b[32mRunning\x1b[39m');
    expect(lines[2]).toContain('\x1b[31mFailed\x1b[39m');
    expect(lines[3]).toContain('\x1b[33mIn progress\x1b[39m');
    expect(lines[4]).toContain('\x1b[33mPending\x1b[39m');
    expect(lines[5]).toContain('   Stopped   ');
    expect(lines[6]).toContain('\x1b[32mSuccess\x1b[39m');
    expect(lines[1]).toContain('\x1b[2mREDEPLOY\x1b[22m');
    expect([
      stateColour('Success'),
      stateColour('Failed'),
      stateColour('Pending'),
      stateColour('Stopped'),
      stateColour('constructor'),
    ]).toEqual(['green', 'red', 'yellow', undefined, undefined]);
  });

  it('colour takes no columns: without its escapes the table is the plain one, byte for byte', () => {
    const plain = renderTable(memoryIO(), ['NAME', 'STATE', 'OPERATION'], rows, { columns: rules });
    expect(plain).not.toContain('\x1b[');
    expect(stripAnsi(renderTable(memoryIO({ color: true }), ['NAME', 'STATE', 'OPERATION'], rows, { columns: rules }))).toBe(plain);
    const fit = { isTTY: true, columns: 24 };
    const cut = renderTable(memoryIO(fit), ['NAME', 'STATE', 'OPERATION'], rows, {
      fit: true,
      columns: { ...rules, NAME: { cut: 'text' } },
    });
    expect(
      stripAnsi(
        renderTable(memoryIO({ ...fit, color: true }), ['NAME', 'STATE', 'OPERATION'], rows, {
          fit: true,
          columns: { ...rules, NAME: { cut: 'text' } },
        }),
      ),
    ).toBe(cut);
  });

  it('the trigger table dims its OPERATION column when colour is on, and only then', async () => {
    const coloured = memoryIO({ color: true });
    await printTriggerTable(coloured, [T1, T2], HOST, false);
    expect(coloured.output().split('\n')[1]).toContain('\x1b[2mREDEPLOY\x1b[22m');
    const plain = memoryIO();
    await printTriggerTable(plain, [T1, T2], HOST, false);
    expect(stripAnsi(coloured.output())).toBe(plain.output());
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
    expect(triggerRow(namespaced, HOST, false)[3]).toBe(
      `http://127.0.0.1:8080/api/app/v1/acme/service/${SERVICE}/trigger/${T1.uuid}/call/`,
    );
  });

  it('prints the table with the UUID NAME OPERATION URL header to stdout', async () => {
    const io = memoryIO();
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
    const full = memoryIO();
    await printTriggerTable(full, [T1], HOST, true);
    expect(full.output()).toBe(
      `UUID                                   NAME          OPERATION   URL\n${T1.uuid}   deploy-hook   REDEPLOY    ${HOST}${T1.url.slice(1)}\n`,
    );
    const none = memoryIO();
    await printTriggerTable(none, [], HOST, false);
    expect(none.output()).toBe('UUID   NAME   OPERATION   URL\n');
    const bare = memoryIO();
    await printTriggerTable(bare, [T2], HOST, false, false);
    expect(bare.output()).toBe(`d2d2d2d2   scale   SCALEUP   ${HOST}${T2.url.slice(1)}\n`);
  });

  it('shortens the URL column on a narrow TTY and neutralises names chosen by the server', async () => {
    const io = memoryIO({ isTTY: true, columns: 70 });
    await printTriggerTable(io, [trigger(T1.uuid, 'x\u001b]0;pwned\u0007y')], HOST, false);
    const lines = io.output().slice(0, -1).split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(70);
      expect(line).not.toMatch(CONTROL);
    }
    expect(lines[1]).toContain('x\uFFFD]0;pwned\uFFFDy');
    expect(lines[1].endsWith('…')).toBe(true);
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

describe("the layout is cli-table3's, borderless and unpadded", () => {
  /** The same table laid out by cli-table3, the way the CLI used it before it laid tables out itself. */
  function cliTable3(io: IO, headers: string[], rows: string[][], header = true): string {
    if (!header && rows.length === 0) return '';
    const chalk = new Chalk({ level: io.color ? 1 : 0 });
    const none = {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
    };
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
    names[i % names.length],
    i % 3 ? 'REDEPLOY' : 'SCALEUP',
    `${HOST}api/app/v1/service/${SERVICE}/trigger/${i}/call/`,
  ]);

  for (const color of [false, true]) {
    for (const header of [true, false]) {
      it(`the same bytes (colour ${color ? 'on' : 'off'}, header ${header ? 'on' : 'off'})`, () => {
        const io = memoryIO({ color });
        const expected = cliTable3(io, TRIGGER_HEADERS, rows, header);
        expect(renderTable(io, TRIGGER_HEADERS, rows, { header })).toBe(expected);
        expect(expected.split('\n')).toHaveLength(rows.length + (header ? 1 : 0) + 1);
      });
    }
  }

  it('the same bytes for a table with no rows, and for one column', () => {
    const io = memoryIO();
    expect(renderTable(io, TRIGGER_HEADERS, [])).toBe(cliTable3(io, TRIGGER_HEADERS, []));
    expect(renderTable(io, ['NAME'], [['部署'], ['a']])).toBe(cliTable3(io, ['NAME'], [['部署'], ['a']]));
  });

  it('the same bytes when last cells are empty or end in blanks (no trailing blanks on any line)', () => {
    const io = memoryIO();
    const rows = [
      ['a', 'x', ''],
      ['bbbb', '', ''],
      ['c', 'y', 'z  '],
      ['', '', '\u00a0'],
      ['d', 'w', 'v'],
    ];
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
  const long = trigger(T_DEPLOY, 'deploy-hook');
  it('keeps the URL whole, where the default table shortens it to the width', async () => {
    const cut = memoryIO({ isTTY: true, columns: 60 });
    await printTriggers(cut, { kind: 'table', header: true, trunc: true }, [long], HOST);
    expect(cut.output()).toContain('…');
    const whole = memoryIO({ isTTY: true, columns: 60 });
    await printTriggers(whole, { kind: 'table', header: true, trunc: false }, [long], HOST);
    expect(whole.output()).not.toContain('…');
    expect(whole.output()).toContain(`${HOST.slice(0, -1)}${long.url}`);
  });
});
