// The two pictures: the loss curves, and the decision boundary under the data points.
import { GRID } from './protocol.js';

export const COLORS = ['#2563eb', '#db2777'];
const CLASS_RGB: [number, number, number][] = [[37, 99, 235], [234, 88, 12]];
const MAX_SEGMENTS = 800;

export interface Series {
  name: string;
  color: string;
  losses: number[];
}

/** Loss per epoch of every series on shared axes; long series are thinned to MAX_SEGMENTS. */
export function drawLoss(canvas: HTMLCanvasElement, series: Series[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const pad = { l: 56, r: 12, t: 24, b: 28 };
  ctx.clearRect(0, 0, w, h);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) for (const v of s.losses) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (lo > hi) [lo, hi] = [0, 1];
  const span = hi - lo || 1;
  const epochs = Math.max(2, ...series.map((s) => s.losses.length));
  const x = (e: number) => pad.l + ((w - pad.l - pad.r) * (e - 1)) / (epochs - 1);
  const y = (v: number) => pad.t + ((h - pad.t - pad.b) * (hi - v)) / span;

  ctx.strokeStyle = '#cbd5e1';
  ctx.strokeRect(pad.l, pad.t, w - pad.l - pad.r, h - pad.t - pad.b);
  ctx.fillStyle = '#475569';
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.fillText(hi.toPrecision(3), pad.l - 6, pad.t + 10);
  ctx.fillText(lo.toPrecision(3), pad.l - 6, h - pad.b);
  ctx.fillText(`epochs: ${epochs}`, w - pad.r, h - 8);
  ctx.textAlign = 'left';
  ctx.fillText('loss', pad.l, pad.t - 8);
  // The legend: a dash of each series' colour before its name, from the right.
  let lx = w - pad.r;
  for (const s of [...series].reverse()) {
    lx -= ctx.measureText(s.name).width;
    ctx.fillText(s.name, lx, pad.t - 8);
    ctx.fillStyle = s.color;
    ctx.fillRect(lx - 22, pad.t - 14, 16, 3);
    ctx.fillStyle = '#475569';
    lx -= 40;
  }

  series.forEach((s, k) => {
    const n = s.losses.length;
    if (n === 0) return;
    const step = Math.max(1, Math.ceil(n / MAX_SEGMENTS));
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(k > 0 ? [7, 5] : []); // a racing pair often draws the same curve
    ctx.beginPath();
    for (let i = 0; i < n; i += step) ctx.lineTo(x(i + 1), y(s.losses[i]!));
    ctx.lineTo(x(n), y(s.losses[n - 1]!));
    ctx.stroke();
  });
  ctx.setLineDash([]);
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
