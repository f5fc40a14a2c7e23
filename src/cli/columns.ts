// Columns on the command line: header names, or 1-based numbers (the way people count columns,
// and the only way when the file has no header).
import { open } from 'node:fs/promises';
import { fail } from '../core/errors.js';
import { parseCsv } from '../data/csv.js';
import { CSV_LIMITS, sizeText } from '../data/csv-limits.js';
import { didYouMean, quoteArg } from './args.js';
import { parseNumberText } from '../data/csv-number.js';
import { fileStep, oneLine, showPath, usage } from './errors.js';

const CHUNK = 1 << 16;
const UTF8_BOM = 3;

/**
 * The column names from the first line of a CSV file, or '1'..'n' when it has no header. A first
 * line of numbers only is taken for data, unless `sure` (the user passed --header).
 */
export async function columnNames(path: string, header: boolean, sure = false): Promise<string[]> {
  const names = parseCsv(await firstLine(path), { header: true }).columns;
  // Forgetting --no-header takes the first row of data for names: say so now, not as a later
  // puzzle ("column '1.5' has missing values").
  if (header && !sure && names.length > 0 && names.every((n) => n.trim() !== '' && parseNumberText(n.trim()) !== null)) {
    usage(`the first line of ${showPath(path)} looks like data (${names.slice(0, 4).map((n) => quoteArg(n)).join(', ')}${names.length > 4 ? ', ...' : ''}), not column names: pass --no-header (or --header if they are names)`);
  }
  return header ? names : names.map((_, j) => String(j + 1));
}

/** Finds columns by name, or by 1-based number when no name matches; one lookup table per file. */
export class Columns {
  private readonly index = new Map<string, number>();

  constructor(readonly names: string[]) {
    names.forEach((n, j) => {
      if (!this.index.has(n)) this.index.set(n, j);
    });
  }

  /** The 0-based index of a column given by name, or by 1-based number when no name matches. */
  resolve(ref: string, flag: string): number {
    const names = this.names;
    const byName = this.index.get(ref);
    if (byName !== undefined) return byName;
    const k = /^\d{1,16}$/.test(ref) ? Number(ref) : NaN;
    if (k >= 1 && k <= names.length) return k - 1;
    const shown = names.slice(0, 30).map((n) => (/^\d+$/.test(n) ? n : quoteArg(n))).join(', ');
    const hint = /^\d+$/.test(ref) ? '' : didYouMean(ref, names);
    return usage(`unknown column ${quoteArg(ref)} (${oneLine(flag)}): the file has ${names.length} columns: ${shown}${names.length > 30 ? ', ...' : ''}${/^\d+$/.test(ref) ? ` (numbers count from 1)` : ''}${hint}`);
  }
}

/** The 0-based index of a column given by name, or by 1-based number when no name matches. */
export function resolveColumn(ref: string, names: string[], flag: string): number {
  return new Columns(names).resolve(ref, flag);
}

/**
 * The file's text up to its first line break outside quotes: enough to read the header. Reads a
 * CSV row's limit at most (64 MiB), so a file without line breaks (/dev/zero) stops there.
 */
async function firstLine(path: string): Promise<string> {
  const fh = await fileStep('open', path, () => open(path, 'r'));
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    let quoted = false;
    for (;;) {
      const buf = Buffer.alloc(CHUNK);
      const { bytesRead } = await fileStep('read', path, () => fh.read(buf, 0, CHUNK, null));
      if (bytesRead === 0) break;
      let end = -1;
      for (let i = 0; i < bytesRead && end < 0; i++) {
        const c = buf[i];
        if (c === 0x22) quoted = !quoted;
        else if (!quoted && (c === 0x0a || c === 0x0d)) end = i;
      }
      chunks.push(buf.subarray(0, end < 0 ? bytesRead : end));
      total += end < 0 ? bytesRead : end;
      if (end >= 0) break;
      if (total > CSV_LIMITS.rowBytes + UTF8_BOM) fail('PARSE_ERROR', `line 1 is longer than ${sizeText(CSV_LIMITS.rowBytes)}, the most a CSV row may hold`);
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await fh.close().catch(() => undefined);
  }
}
