// For `npm run bench` alone: the table laid out by cli-table3, as the CLI did before it laid tables out
// itself, to measure what its own layout saves. Built into a variant of dist/ in place of
// src/output/table.ts's writeTable; nothing of it ships.
import Table from 'cli-table3';
import { Chalk } from 'chalk';
export * from '../../src/output/table.ts';

export function writeTable(io, headers, rows, options = {}, write = (text) => void io.stdout.write(text)) {
  if (options.header === false && rows.length === 0) return;
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
    head: options.header === false ? [] : headers.map((h) => chalk.bold(h)),
    chars: { ...none, left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...rows);
  write(
    `${table
      .toString()
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')}\n`,
  );
}
