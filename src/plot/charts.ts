// The four figures of the notebooks, each a small Vega-Lite spec over data computed here.
import type { TopLevelSpec } from 'vega-lite';
import { fail } from '../core/errors.js';
import { describe, strictOptions } from '../core/options.js';
import { bool, integerAtLeast } from '../core/check.js';
import { Figure } from './figure.js';
import { correlation, histogramBins, movingAverage, numbers, plottable, type Values } from './values.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One epoch (or gd iteration) as an estimator's `history` logs it; only these fields are drawn. */
export interface HistoryPoint {
  /** 1-based epoch (or iteration). */
  epoch: number;
  /** The training loss. */
  loss: number;
  /** The validation loss, drawn dashed when present. */
  valLoss?: number;
  /** Set on epochs where onDivergence 'warn' saw the loss blow up: drawn as a cross. */
  diverged?: boolean;
}

/** A named history: one line of a sweep, e.g. `{ name: 'lr 0.1', history: model.history }`. */
export interface Series {
  /** The legend entry, e.g. the learning rate. */
  name: string | number;
  /** The epochs to draw. */
  history: readonly HistoryPoint[];
}

/** Options every figure takes. */
export interface FigureOptions {
  /**
   * The figure's title.
   * @default the chart's own ('Loss', 'Loss per iteration', 'Histogram', 'Recovered vs true weights')
   */
  title?: string;
  /**
   * Plot area in pixels (default 480 x 300); axes, legend and title come on top.
   * @default 480
   */
  width?: number;
  /**
   * Plot area height in pixels.
   * @default 300
   */
  height?: number;
}

/** lossCurves' options. */
export interface LossCurvesOptions extends FigureOptions {
  /**
   * A logarithmic loss axis (default false): curves that differ by orders of magnitude stay readable.
   * @default false
   */
  logScale?: boolean;
  /**
   * The legend's title (default 'series'), e.g. 'learning rate'.
   * @default 'series'
   */
  legendTitle?: string;
  /**
   * The x axis' title (default 'epoch'; 'iteration' suits gd).
   * @default 'epoch'
   */
  xTitle?: string;
}

/** iterationLoss' options. */
export interface IterationLossOptions extends FigureOptions {
  /**
   * The moving average's window in iterations (default: a twentieth of the run, at least 1; 1 draws no average).
   * @default max(1, iterations / 20)
   */
  smoothing?: number;
  /**
   * A logarithmic loss axis.
   * @default false
   */
  logScale?: boolean;
}

/** histogram's options. */
export interface HistogramOptions extends FigureOptions {
  /**
   * Number of equal-width bins (default 20).
   * @default 20
   */
  bins?: number;
  /**
   * The binned range (default: the values' min and max), e.g. [0, 1] for probabilities; values outside are not counted.
   * @default the values' [min, max]
   */
  range?: [number, number];
  /**
   * The x axis' title (default 'value').
   * @default 'value'
   */
  xTitle?: string;
}

/** scatterWeights' options. */
export interface ScatterWeightsOptions extends FigureOptions {
  /**
   * The x axis' title.
   * @default 'true weight'
   */
  xTitle?: string;
  /**
   * The y axis' title.
   * @default 'recovered weight'
   */
  yTitle?: string;
}

const FIGURE_KEYS = ['title', 'width', 'height'] as const;

/**
 * Loss per epoch, one line per series (the runs of a learning-rate sweep), or the train and
 * validation curves of one `history`. Validation losses are dashed; epochs marked `diverged`
 * get a cross (at the top of the plot where the loss is not finite) and the first one per
 * series a 'diverged' label. Non-finite losses (and non-positive ones on a log scale) leave a gap.
 */
export function lossCurves(series: readonly Series[] | readonly HistoryPoint[], options: LossCurvesOptions = {}): Figure {
  const o = strictOptions('lossCurves', options, [...FIGURE_KEYS, 'logScale', 'legendTitle', 'xTitle']);
  const logScale = o.logScale === undefined ? false : bool('logScale', o.logScale);
  const list = seriesList(series);
  const single = list.length === 1 && !isSeriesArray(series);
  const rows: { series: string; curve: string; epoch: number; loss: number | null }[] = [];
  const marks: { series: string; epoch: number; loss: number | null; first: boolean }[] = [];
  let hasVal = false, top = -Infinity;
  for (const { name, history } of list) {
    let seen = false;
    history.forEach((log, i) => {
      const at = `history of '${name}', entry ${i}`;
      if (log === null || typeof log !== 'object') fail('BAD_OPTION', `${at} must be an epoch log; got ${describe(log)}`);
      if (typeof log.epoch !== 'number' || !Number.isFinite(log.epoch)) fail('BAD_OPTION', `${at}: epoch must be a finite number; got ${describe(log.epoch)}`);
      if (typeof log.loss !== 'number') fail('BAD_OPTION', `${at}: loss must be a number; got ${describe(log.loss)}`);
      const loss = plottable(log.loss, logScale);
      rows.push({ series: name, curve: 'train', epoch: log.epoch, loss });
      if (loss !== null) top = Math.max(top, loss);
      if (log.valLoss !== undefined) {
        if (typeof log.valLoss !== 'number') fail('BAD_OPTION', `${at}: valLoss must be a number; got ${describe(log.valLoss)}`);
        hasVal = true;
        const v = plottable(log.valLoss, logScale);
        rows.push({ series: name, curve: 'validation', epoch: log.epoch, loss: v });
        if (v !== null) top = Math.max(top, v);
      }
      if (log.diverged) {
        marks.push({ series: name, epoch: log.epoch, loss, first: !seen });
        seen = true;
      }
    });
  }
  const names = list.map((s) => s.name);
  const x = { field: 'epoch', type: 'quantitative', title: textOption('xTitle', o.xTitle, 'epoch'), axis: { tickMinStep: 1 } } as const;
  const y = {
    field: 'loss', type: 'quantitative', title: logScale ? 'loss (log scale)' : 'loss',
    ...logAxis(logScale),
  } as const;
  const color = {
    field: 'series', type: 'nominal', sort: names, title: textOption('legendTitle', o.legendTitle, 'series'),
    legend: single ? null : { symbolType: 'stroke', symbolStrokeWidth: 2 },
  } as const;
  const layer: unknown[] = [{
    data: { values: rows },
    mark: { type: 'line', clip: true },
    encoding: {
      x, y, color,
      ...(hasVal ? { strokeDash: { field: 'curve', type: 'nominal', title: null, scale: { domain: ['train', 'validation'], range: [[1, 0], [6, 3]] } } } : {}),
    },
  }];
  if (marks.length > 0 && Number.isFinite(top)) {
    const placed = marks.map((m) => ({ ...m, loss: m.loss ?? top }));
    layer.push({
      data: { values: placed },
      mark: { type: 'point', shape: 'cross', filled: true, size: 90, clip: true },
      encoding: { x, y, color },
    });
    layer.push({
      data: { values: placed.filter((m) => m.first) },
      mark: { type: 'text', text: 'diverged', align: 'left', dx: 6, dy: -8, fontSize: 11 },
      encoding: { x, y, color },
    });
  }
  return figure(o, 'Loss', layer);
}

/**
 * The mini-batch losses of an SGD run in order (collect them with `fit(X, y, { onBatchEnd })`),
 * as a light line, with their trailing moving average over `smoothing` iterations on top.
 */
export function iterationLoss(losses: ArrayLike<number>, options: IterationLossOptions = {}): Figure {
  const o = strictOptions('iterationLoss', options, [...FIGURE_KEYS, 'smoothing', 'logScale']);
  const logScale = o.logScale === undefined ? false : bool('logScale', o.logScale);
  const values = numbers(losses, 'losses', { allowNonFinite: true });
  if (values.length === 0) fail('EMPTY_INPUT', 'iterationLoss needs at least one loss');
  const window = o.smoothing === undefined ? Math.max(1, Math.round(values.length / 20)) : integerAtLeast('smoothing', o.smoothing, 1);
  const raw = 'per iteration', smooth = `moving average (${window})`;
  const curve = (name: string, v: ArrayLike<number>, width: number) => ({
    data: { values: Array.from(v, (loss, i) => ({ iteration: i + 1, loss: plottable(loss, logScale), curve: name })) },
    mark: { type: 'line', clip: true, strokeWidth: width },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'iteration', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', title: logScale ? 'loss (log scale)' : 'loss', ...logAxis(logScale) },
      color: { field: 'curve', type: 'nominal', title: null, scale: { domain: curves, range: ['#9ecae9', '#d62728'] } },
    },
  });
  const curves = window > 1 ? [raw, smooth] : [raw];
  const layer = [curve(raw, values, 1)];
  if (window > 1) layer.push(curve(smooth, movingAverage(values, window), 2.5));
  return figure(o, 'Loss per iteration', layer);
}

/** A histogram of `values` (for example the predicted probabilities of the positive class): a bar per bin, its height the count. */
export function histogram(values: Values, options: HistogramOptions = {}): Figure {
  const o = strictOptions('histogram', options, [...FIGURE_KEYS, 'bins', 'range', 'xTitle']);
  const v = numbers(values, 'values');
  if (v.length === 0) fail('EMPTY_INPUT', 'histogram needs at least one value');
  const bins = o.bins === undefined ? 20 : integerAtLeast('bins', o.bins, 1);
  let range: [number, number] | undefined;
  if (o.range !== undefined) {
    const r = o.range as unknown[];
    if (!Array.isArray(r) || r.length !== 2 || !r.every((e) => typeof e === 'number' && Number.isFinite(e)) || !((r[0] as number) < (r[1] as number))) {
      fail('BAD_OPTION', `range must be [lo, hi] with finite lo < hi; got ${describe(o.range)}`);
    }
    range = [r[0] as number, r[1] as number];
  }
  const data = histogramBins(v, bins, range);
  const lo = data[0].start, hi = data[data.length - 1].end;
  return figure(o, 'Histogram', [{
    data: { values: data },
    mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 'start', type: 'quantitative', title: textOption('xTitle', o.xTitle, 'value'), scale: { domain: [lo, hi], nice: false, zero: false } },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative', title: 'count' },
      y2: { datum: 0 },
      color: { value: '#4c78a8' },
    },
  }]);
}

/**
 * Recovered weights against the true ones, a point per weight, with the line y = x (a perfect
 * recovery puts every point on it); the subtitle gives their correlation.
 */
export function scatterWeights(trueW: Values, recoveredW: Values, options: ScatterWeightsOptions = {}): Figure {
  const o = strictOptions('scatterWeights', options, [...FIGURE_KEYS, 'xTitle', 'yTitle']);
  const t = numbers(trueW, 'trueW'), r = numbers(recoveredW, 'recoveredW');
  if (t.length !== r.length) fail('SHAPE_MISMATCH', `trueW has ${t.length} values but recoveredW has ${r.length}`);
  if (t.length === 0) fail('EMPTY_INPUT', 'scatterWeights needs at least one weight');
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < t.length; i++) { lo = Math.min(lo, t[i], r[i]); hi = Math.max(hi, t[i], r[i]); }
  if (!(lo < hi)) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.03;
  lo -= pad; hi += pad;
  const points = Array.from(t, (tw, i) => ({ trueW: tw, recovered: r[i] }));
  const scale = { domain: [lo, hi], nice: false, zero: false };
  const xTitle = textOption('xTitle', o.xTitle, 'true weight'), yTitle = textOption('yTitle', o.yTitle, 'recovered weight');
  const rho = correlation(t, r);
  return figure(o, 'Recovered vs true weights', [
    {
      data: { values: [{ a: lo, b: hi }] },
      mark: { type: 'rule', color: '#888', strokeDash: [4, 3] },
      encoding: {
        x: { field: 'a', type: 'quantitative', title: xTitle, scale }, x2: { field: 'b' },
        y: { field: 'a', type: 'quantitative', title: yTitle, scale }, y2: { field: 'b' },
      },
    },
    {
      data: { values: [{ a: hi, label: 'y = x' }] },
      mark: { type: 'text', align: 'right', dx: -4, dy: 12, color: '#666' },
      encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'a', type: 'quantitative' }, text: { field: 'label' } },
    },
    {
      data: { values: points },
      // No ARIA label per point: thousands of weights would make a megabyte of them.
      mark: { type: 'circle', size: 24, opacity: 0.6, color: '#4c78a8', aria: false },
      encoding: {
        x: { field: 'trueW', type: 'quantitative', title: xTitle, scale },
        y: { field: 'recovered', type: 'quantitative', title: yTitle, scale },
      },
    },
  ], Number.isFinite(rho) ? `correlation ${rho.toFixed(4)}, ${t.length} weights` : `${t.length} weights`);
}

/** The series of a sweep, or one history as the series 'train'; names must be distinct. */
function seriesList(series: unknown): { name: string; history: readonly HistoryPoint[] }[] {
  if (!Array.isArray(series)) fail('BAD_OPTION', `lossCurves takes a history or an array of { name, history }; got ${describe(series)}`);
  if (series.length === 0) fail('EMPTY_INPUT', 'lossCurves needs at least one epoch log or series');
  if (!isSeriesArray(series)) return [{ name: 'train', history: series as HistoryPoint[] }];
  const seen = new Set<string>();
  return series.map((s, i) => {
    if (s === null || typeof s !== 'object' || !Array.isArray(s.history)) fail('BAD_OPTION', `series ${i} must be { name, history: EpochLog[] }; got ${describe(s)}`);
    if (typeof s.name !== 'string' && typeof s.name !== 'number') fail('BAD_OPTION', `series ${i}: name must be a string or a number; got ${describe(s.name)}`);
    const name = String(s.name);
    if (seen.has(name)) fail('BAD_OPTION', `series ${i}: the name '${name}' is used twice`);
    seen.add(name);
    return { name, history: s.history as HistoryPoint[] };
  });
}

function isSeriesArray(series: unknown): boolean {
  const first: unknown = Array.isArray(series) ? series[0] : undefined;
  return first !== null && typeof first === 'object' && 'history' in first;
}

function textOption(name: string, v: unknown, fallback: string): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string') fail('BAD_OPTION', `${name} must be a string; got ${describe(v)}`);
  return v;
}

function sizeOption(name: string, v: unknown, fallback: number): number {
  return v === undefined ? fallback : integerAtLeast(name, v, 10);
}

/** The layered spec with the shared title, size and look. */
function figure(o: Record<string, unknown>, defaultTitle: string, layer: unknown[], subtitle?: string): Figure {
  const text = textOption('title', o.title, defaultTitle);
  const spec = {
    $schema: SCHEMA,
    title: subtitle === undefined ? text : { text, subtitle },
    width: sizeOption('width', o.width, 480),
    height: sizeOption('height', o.height, 300),
    background: 'white',
    config: { font: 'sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelLimit: 240 } },
    layer,
  };
  return new Figure(spec as TopLevelSpec);
}

/** The loss axis' scale: logarithmic, or linear without forcing zero in. */
function logAxis(logScale: boolean) {
  return logScale ? { scale: { type: 'log' } } : { scale: { zero: false } };
}
