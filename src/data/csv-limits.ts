// The bounds that keep CSV parsing linear in time and bounded in memory on any input: a cell, a
// row (a record: a line, or several when a quoted cell holds line breaks) and the fields of a
// row each have a ceiling, past which the parser stops with PARSE_ERROR naming the line. The
// README's data section documents them; tests pass smaller ones to check the same behaviour.

export interface CsvLimits {
  /** Bytes in one cell, after unquoting. */
  readonly cellBytes: number;
  /** Bytes in one row: its cells and the delimiters between them. */
  readonly rowBytes: number;
  /** Fields in one row. */
  readonly fields: number;
  /** Distinct labels in the target column. */
  readonly labels: number;
}

export const CSV_LIMITS: CsvLimits = Object.freeze({
  cellBytes: 1 << 20, // 1 MiB
  rowBytes: 64 << 20, // 64 MiB
  fields: 1 << 20, // 1,048,576
  labels: 1 << 24, // 16,777,216: a Map holds no more
});

/** A byte count as a message says it: '64 MiB (67108864 bytes)', or '40 bytes'. */
export function sizeText(n: number): string {
  const MiB = 1 << 20;
  return n >= MiB && n % MiB === 0 ? `${n / MiB} MiB (${n} bytes)` : `${n} bytes`;
}

/** A cell's text as a message quotes it: at most 40 characters, then how long it really is. */
export function cellText(text: string): string {
  return text.length <= 40 ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, 40))}... (${text.length} characters)`;
}
