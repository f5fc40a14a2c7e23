// The two pictures: the loss curves, and the decision boundary under the data points.
import { GRID } from './training.js';

export const COLORS = ['#2563eb', '#db2777'];
const CLASS_RGB: [number, number, number][] = [[37, 99, 235], [234, 88, 12]];
const MAX_SEGMENTS = 800;
const INK = '#475569';
const FONT = '12px system-ui, sans-serif';

export interface Series {
  name: string;
  color: string;
  losses: number[];
  /** Wall-clock milliseconds since the fit began, at the end of each epoch. */
  times: number[];
}

export interface LossView {
  /** A log-scale loss axis (decades), else linear. */
  log: boolean;
  /** Epochs along x, or wall-clock time: a race then shows which backend reaches the floor first. */
  x: 'epoch' | 'time';
}

/** About `count` round tick values (1, 2 or 5 times a power of ten) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function tickText(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(0) : String(Number(v.toPrecision(4)));
}

/** Sizes a canvas's backing store to its shown width (and the screen's pixel ratio); returns the 2-D context in CSS pixels. */
function fitCanvas(canvas: HTMLCanvasElement, aspect: number): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const cssW = Math.max(200, Math.round(canvas.clientWidth || canvas.width));
  const cssH = Math.round(cssW * aspect);
  const dpr = globalThis.devicePixelRatio || 1;
  if (canvas.width !== Math.round(cssW * dpr)) canvas.width = Math.round(cssW * dpr);
  if (canvas.height !== Math.round(cssH * dpr)) canvas.height = Math.round(cssH * dpr);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w: cssW, h: cssH };
}

/**
 * Loss of every series on shared axes, with ticks, axis labels and a legend; against epochs or
 * wall-clock time, on a linear or log scale. Long series are thinned to MAX_SEGMENTS.
 */
export function drawLoss(canvas: HTMLCanvasElement, series: Series[], view: LossView): void {
  const narrow = (canvas.clientWidth || canvas.width) < 600;
  const { ctx, w, h } = fitCanvas(canvas, narrow ? 0.62 : 0.24);
  const pad = { l: 58, r: 14, t: narrow ? 16 + 18 * series.length : 28, b: 44 };
  ctx.clearRect(0, 0, w, h);
  ctx.font = FONT;
  const shown = series.filter((s) => s.losses.length > 0);
  const plotW = w - pad.l - pad.r;
  const plotH = h - pad.t - pad.b;
  ctx.strokeStyle = '#cbd5e1';
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.l, pad.t, plotW, plotH);
  if (shown.length === 0) {
    ctx.fillStyle = INK;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const lines = narrow ? ['No training yet: press Train,', 'and the loss appears here.'] : ['No training yet: press Train, and the loss appears here as it falls.'];
    lines.forEach((line, i) => ctx.fillText(line, w / 2, pad.t + plotH / 2 + (i - (lines.length - 1) / 2) * 18));
    return;
  }

  // The loss axis: finite values only; a log axis takes positive ones.
  const f = view.log ? (v: number) => Math.log10(v) : (v: number) => v;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of shown) for (const v of s.losses) if (Number.isFinite(v) && (!view.log || v > 0)) [lo, hi] = [Math.min(lo, f(v)), Math.max(hi, f(v))];
  if (lo > hi) [lo, hi] = [0, 1];
  if (view.log) [lo, hi] = [Math.floor(lo * 8) / 8, Math.max(Math.ceil(hi * 8) / 8, Math.floor(lo * 8) / 8 + 0.125)];
  if (hi - lo < 1e-12) [lo, hi] = [lo - 0.5, hi + 0.5];
  const xs = (s: Series) => (view.x === 'time' ? s.times : s.losses.map((_, i) => i + 1));
  const xMin = view.x === 'time' ? 0 : 1;
  const xMax = Math.max(xMin + 1, ...shown.map((s) => xs(s).at(-1) ?? xMin));
  const X = (t: number) => pad.l + (plotW * (t - xMin)) / (xMax - xMin);
  const Y = (v: number) => pad.t + (plotH * (hi - f(v))) / (hi - lo);

  // Grid lines and ticks.
  ctx.fillStyle = INK;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yTicks = view.log
    ? (() => {
        const out: number[] = [];
        for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) for (const m of hi - lo > 3 ? [1] : hi - lo > 1 ? [1, 2, 5] : [1, 1.5, 2, 3, 4, 5, 6, 8]) out.push(m * 10 ** d);
        return out.filter((v) => f(v) >= lo - 1e-9 && f(v) <= hi + 1e-9);
      })()
    : niceTicks(lo, hi, narrow ? 4 : 5);
  for (const v of yTicks) {
    const y = Y(v);
    ctx.strokeStyle = '#e2e8f0';
    ctx.beginPath();
    ctx.moveTo(pad.l, y);
    ctx.lineTo(pad.l + plotW, y);
    ctx.stroke();
    ctx.fillText(tickText(v), pad.l - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of niceTicks(xMin, xMax, narrow ? 4 : 8)) {
    if (t < xMin) continue;
    const x = X(t);
    ctx.strokeStyle = '#94a3b8';
    ctx.beginPath();
    ctx.moveTo(x, pad.t + plotH);
    ctx.lineTo(x, pad.t + plotH + 4);
    ctx.stroke();
    ctx.fillText(tickText(t), x, pad.t + plotH + 6);
  }
  // Axis labels.
  ctx.fillText(view.x === 'time' ? 'wall-clock time of the epochs so far (ms)' : 'epoch', pad.l + plotW / 2, h - 16);
  ctx.save();
  ctx.translate(14, pad.t + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(view.log ? 'loss (log scale)' : 'loss', 0, 0);
  ctx.restore();

  // The legend: a stroke of each series' colour (dashed as drawn) before its name and its last value.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  let lx = pad.l;
  shown.forEach((s, k) => {
    const t = s.times.at(-1) ?? 0;
    const ms = `${t < 10 ? t.toFixed(1) : tickText(Math.round(t))} ms`;
    const text = narrow ? `${s.name}: ${s.losses.at(-1)!.toPrecision(3)}, ${s.losses.length} ep., ${ms}` : `${s.name}: ${s.losses.at(-1)!.toPrecision(4)} after ${s.losses.length} epochs, ${ms}`;
    const width = 28 + ctx.measureText(text).width + 18;
    const ly = narrow ? 10 + 18 * k : 12;
    const x0 = narrow ? pad.l : lx;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(k > 0 ? [7, 5] : []);
    ctx.beginPath();
    ctx.moveTo(x0, ly);
    ctx.lineTo(x0 + 22, ly);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#0f172a';
    ctx.fillText(text, x0 + 28, ly);
    lx += width;
  });

  ctx.save();
  ctx.beginPath();
  ctx.rect(pad.l, pad.t, plotW, plotH);
  ctx.clip();
  shown.forEach((s, k) => {
    const n = s.losses.length;
    const at = xs(s);
    const step = Math.max(1, Math.ceil(n / MAX_SEGMENTS));
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(k > 0 ? [7, 5] : []); // a racing pair against epochs draws the same curve
    ctx.beginPath();
    for (let i = 0; i < n; i += step) ctx.lineTo(X(at[i]!), Y(s.losses[i]!));
    ctx.lineTo(X(at[n - 1]!), Y(s.losses[n - 1]!));
    ctx.stroke();
  });
  ctx.restore();
  ctx.setLineDash([]);
}

/** A canvas that shows a short message in place of a picture. */
export function drawMessage(canvas: HTMLCanvasElement, lines: string[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  ctx.fillStyle = '#f8fafc';
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = '#cbd5e1';
  ctx.strokeRect(0.5, 0.5, w - 1, h - 1);
  ctx.fillStyle = INK;
  ctx.font = FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  lines.forEach((line, i) => ctx.fillText(line, w / 2, h / 2 + (i - (lines.length - 1) / 2) * 18));
}

/**
 * P(second class) as colour: blue for the first class, orange for the second, fading to white
 * at 0.5 (the boundary); a sample of the points on top.
 */
export function drawBoundary(
  canvas: HTMLCanvasElement, grid: Float32Array | null, points: Float32Array | null, labels: Uint8Array,
  [x0, x1, y0, y1]: [number, number, number, number],
): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  ctx.fillStyle = '#f8fafc';
  ctx.fillRect(0, 0, w, h);
  if (grid) {
    const img = new ImageData(GRID, GRID);
    for (let k = 0; k < grid.length; k++) {
      const p = grid[k]!;
      const [r, g, b] = CLASS_RGB[p >= 0.5 ? 1 : 0]!;
      const t = Math.min(1, Math.abs(p - 0.5) * 2) * 0.55; // how sure the model is
      img.data.set([255 + (r - 255) * t, 255 + (g - 255) * t, 255 + (b - 255) * t, 255], 4 * k);
    }
    const tile = new OffscreenCanvas(GRID, GRID);
    tile.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(tile, 0, 0, w, h);
  }
  if (!points) return;
  for (let k = 0; k < labels.length; k++) {
    const px = ((points[2 * k]! - x0) / (x1 - x0)) * w;
    const py = ((y1 - points[2 * k + 1]!) / (y1 - y0)) * h;
    const [r, g, b] = CLASS_RGB[labels[k]! % 2]!;
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.strokeStyle = 'rgba(15,23,42,0.7)';
    ctx.beginPath();
    ctx.arc(px, py, 2.6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}
