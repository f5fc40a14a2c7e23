import type { Label } from '../core/labels.js';

/** A confusion matrix as a text table: a row per true class, a column per predicted class. */
export function formatConfusion(labels: Label[], matrix: number[][]): string {
  const names = labels.map(String);
  const width = Math.max(...names.map((n) => n.length), ...matrix.flat().map((v) => String(v).length), 4);
  const cell = (s: string) => s.padStart(width);
  const lines = [`${cell('')}  ${names.map(cell).join(' ')}   <- predicted`];
  matrix.forEach((row, i) => lines.push(`${cell(names[i])}  ${row.map((v) => cell(String(v))).join(' ')}`));
  return lines.join('\n');
}

/** One CSV field: quoted when it holds a delimiter, a quote or a line break. */
export function csvField(v: Label | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function ms(t: number): string {
  return t < 1000 ? `${t.toFixed(1)} ms` : `${(t / 1000).toFixed(2)} s`;
}
