// wasmlearn/plot: every figure renders, without a DOM, to a well-formed SVG document whose axis
// titles and marks are the ones asked for; a history with diverged epochs (even non-finite
// losses) still plots. The figures are written to test/artifacts/plot/ for a look.
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Figure, correlation, histogram, histogramBins, iterationLoss, lossCurves, movingAverage, scatterWeights, type HistoryPoint } from '../src/plot/index.js';
import { WasmlearnError } from '../src/core/errors.js';

const OUT = fileURLToPath(new URL('./artifacts/plot/', import.meta.url));

/** An element of the parsed SVG: its name, attributes, children and text. */
interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

/**
 * A strict little XML parser, enough to prove an SVG well-formed: one root element, every tag
 * closed in order, attributes quoted and not repeated, text without '<' and with only known
 * entities. Throws naming the offset of the first fault.
 */
function parseXml(xml: string): El {
  const token = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)/y;
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
  const root: El = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: El[] = [root];
  let pos = 0;
  while (pos < xml.length) {
    token.lastIndex = pos;
    const m = token.exec(xml);
    if (m === null) throw new Error(`not well-formed at offset ${pos}: ${JSON.stringify(xml.slice(pos, pos + 40))}`);
    pos = token.lastIndex;
    const [whole, close, name, attrText, selfClose, text] = m;
    const top = stack[stack.length - 1];
    if (text !== undefined) {
      if (text.replace(entity, '').includes('&')) throw new Error(`a bare '&' in text at offset ${m.index}`);
      if (stack.length === 1 && text.trim() !== '') throw new Error(`text outside the root at offset ${m.index}`);
      top.text += text;
    } else if (name === undefined) {
      continue; // a comment or a processing instruction
    } else if (close) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}> at offset ${m.index}`);
      stack.pop();
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(/([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (a[1] in attrs) throw new Error(`attribute ${a[1]} repeated in ${whole.slice(0, 60)}`);
        attrs[a[1]] = a[2] ?? a[3];
      }
      const el: El = { name, attrs, children: [], text: '' };
      if (stack.length === 1 && root.children.length > 0) throw new Error(`a second root element at offset ${m.index}`);
      top.children.push(el);
      if (!selfClose) stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> never closed`);
  if (root.children.length !== 1) throw new Error('no root element');
  return root.children[0];
}

function* walk(el: El): Generator<El> {
  yield el;
  for (const c of el.children) yield* walk(c);
}

/** The elements whose class list has every one of `classes`. */
function withClass(root: El, ...classes: string[]): El[] {
  return [...walk(root)].filter((e) => {
    const list = (e.attrs.class ?? '').split(/\s+/);
    return classes.every((c) => list.includes(c));
  });
}

/** The drawn paths of the data marks of one kind ('line', 'symbol', 'rect', 'rule', 'text'), legends and axes excluded. */
function marks(root: El, kind: string): El[] {
  const groups = withClass(root, `mark-${kind}`, 'role-mark');
  return groups.flatMap((g) => g.children.filter((c) => c.name !== 'g'));
}

/** Every text the SVG shows, in document order. */
function texts(root: El): string[] {
  return [...walk(root)].filter((e) => e.name === 'text').map((e) => e.text.trim());
}

async function svgOf(fig: Figure, file: string): Promise<El> {
  const svg = await fig.toSVG();
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}${file}`, svg);
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  const root = parseXml(svg);
  expect(root.name).toBe('svg');
  expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
  expect(Number(root.attrs.width)).toBeGreaterThan(0);
  expect(Number(root.attrs.height)).toBeGreaterThan(0);
  return root;
}

/** A history that decreases like a converging fit. */
function history(epochs: number, start: number, rate: number, withVal = false): HistoryPoint[] {
  return Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1, loss: start * Math.exp(-rate * i) + 0.05, learningRate: 0.1, ms: 1,
    ...(withVal ? { valLoss: start * Math.exp(-rate * i) + 0.08 } : {}),
  }));
}

// Vega-Lite and Vega warn on console.warn about a spec they had to fix up: the figures' specs must need no fixing.
let warn: MockInstance;
beforeEach(() => { warn = vi.spyOn(console, 'warn'); });
afterEach(() => {
  expect(warn.mock.calls).toEqual([]);
  warn.mockRestore();
});

describe('the SVG checker', () => {
  it('refuses what is not well-formed', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow(/closes/);
    expect(() => parseXml('<svg><text>a & b</text></svg>')).toThrow(/&/);
    expect(() => parseXml('<svg a="1" a="2"/>')).toThrow(/repeated/);
    expect(() => parseXml('<svg/><svg/>')).toThrow(/second root/);
    expect(() => parseXml('<svg><g>')).toThrow(/never closed/);
    expect(parseXml('<svg x="1"><text>a &amp; b</text><g/></svg>').children.length).toBe(2);
  });
});

describe('lossCurves', () => {
  it('draws one line per series of a sweep, on a log scale, with the axis titles and the legend', async () => {
    const rates = [0.01, 0.1, 1];
    const fig = lossCurves(rates.map((lr, i) => ({ name: lr, history: history(30, 0.7, 0.05 * (i + 1)) })), {
      logScale: true, title: 'Learning-rate sweep', legendTitle: 'learning rate',
    });
    const root = await svgOf(fig, 'loss-curves.svg');
    const t = texts(root);
    expect(t).toContain('Learning-rate sweep');
    expect(t).toContain('epoch');
    expect(t).toContain('loss (log scale)');
    expect(t).toContain('learning rate');
    for (const lr of rates) expect(t).toContain(String(lr));
    const lines = marks(root, 'line');
    expect(lines.length).toBe(3);
    for (const l of lines) expect(l.attrs.d).toMatch(/^M[\d.-]+,[\d.-]+(L[\d.-]+,[\d.-]+){29}$/);
    expect(fig.spec).toMatchObject({ layer: [{ encoding: { y: { scale: { type: 'log' } } } }] });
  });

  it('plots one history as train and validation curves', async () => {
    const root = await svgOf(lossCurves(history(20, 1, 0.2, true)), 'loss-train-val.svg');
    const lines = marks(root, 'line');
    expect(lines.length).toBe(2);
    expect(lines.map((l) => l.attrs['stroke-dasharray']).sort()).toEqual(['1,0', '6,3']);
    expect(texts(root)).toEqual(expect.arrayContaining(['epoch', 'loss', 'train', 'validation']));
  });

  it('still plots a history with diverged epochs, non-finite losses included, and marks them', async () => {
    const good = history(10, 0.7, 0.3);
    const bad: HistoryPoint[] = [
      { epoch: 1, loss: 0.7 }, { epoch: 2, loss: 0.9 }, { epoch: 3, loss: 12, diverged: true },
      { epoch: 4, loss: 3e8, diverged: true }, { epoch: 5, loss: Infinity, diverged: true }, { epoch: 6, loss: NaN, diverged: true },
    ];
    for (const logScale of [false, true]) {
      const root = await svgOf(lossCurves([{ name: 'lr 0.1', history: good }, { name: 'lr 30', history: bad }], { logScale }), `loss-diverged${logScale ? '-log' : ''}.svg`);
      expect(marks(root, 'line').length).toBe(2);
      expect(marks(root, 'symbol').length).toBe(4);
      expect(texts(root).filter((s) => s === 'diverged').length).toBe(1);
      expect(texts(root)).toEqual(expect.arrayContaining(['series', 'lr 0.1', 'lr 30'])); // the legend
      for (const p of [...marks(root, 'line'), ...marks(root, 'symbol')]) {
        expect(p.attrs.d ?? '').not.toMatch(/NaN|Infinity/);
        expect(p.attrs.transform ?? '').not.toMatch(/NaN|Infinity/);
      }
    }
    // A single history whose only epoch diverged to a non-finite loss still gives a figure.
    const lone = await svgOf(lossCurves([{ epoch: 1, loss: Infinity, diverged: true }]), 'loss-only-diverged.svg');
    expect(texts(lone)).toContain('epoch');
  });

  it('refuses bad input with the library error codes', () => {
    const code = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as WasmlearnError).code; } return 'none'; };
    expect(code(() => lossCurves([]))).toBe('EMPTY_INPUT');
    expect(code(() => lossCurves(history(3, 1, 1), { logscale: true } as never))).toBe('BAD_OPTION');
    expect(() => lossCurves(history(3, 1, 1), { logscale: true } as never)).toThrow(/did you mean 'logScale'/);
    expect(code(() => lossCurves([{ name: 'a', history: [] }, { name: 'a', history: [] }]))).toBe('BAD_OPTION');
    expect(code(() => lossCurves([{ epoch: 1, loss: '1' }] as never))).toBe('BAD_OPTION');
  });
});

describe('iterationLoss', () => {
  it('draws the per-iteration losses and their moving average', async () => {
    let s = 1;
    const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.2;
    const losses = Array.from({ length: 400 }, (_, i) => 0.3 + 0.4 * Math.exp(-i / 60) + noise());
    const root = await svgOf(iterationLoss(losses, { smoothing: 25 }), 'iteration-loss.svg');
    const t = texts(root);
    expect(t).toEqual(expect.arrayContaining(['iteration', 'loss', 'per iteration', 'moving average (25)']));
    const lines = marks(root, 'line');
    expect(lines.length).toBe(2);
    expect(lines.map((l) => l.attrs['stroke-width']).sort()).toEqual(['1', '2.5']);
  });

  it('draws a single line when there is nothing to smooth, and gaps where a loss is not finite', async () => {
    const root = await svgOf(iterationLoss([0.7, 0.6, Infinity, 0.5], { smoothing: 1 }), 'iteration-loss-raw.svg');
    expect(marks(root, 'line').length).toBe(1);
    expect(marks(root, 'line')[0].attrs.d).not.toMatch(/NaN|Infinity/);
  });

  it('smooths with a trailing window', () => {
    expect(Array.from(movingAverage([1, 2, 3, 4, 5], 2))).toEqual([1, 1.5, 2.5, 3.5, 4.5]);
    expect(Array.from(movingAverage([1, NaN, 3], 3))).toEqual([1, 1, 2]);
  });
});

describe('histogram', () => {
  it('draws one bar per bin, counts that add up to the values, over a fixed range', async () => {
    const p = Array.from({ length: 500 }, (_, i) => (i % 100) / 100 + 0.004);
    const root = await svgOf(histogram(p, { bins: 10, range: [0, 1], xTitle: 'P(malignant)' }), 'histogram.svg');
    expect(texts(root)).toEqual(expect.arrayContaining(['P(malignant)', 'count', 'Histogram']));
    expect(marks(root, 'rect').length).toBe(10);
    const bins = histogramBins(Float64Array.from(p), 10, [0, 1]);
    expect(bins.map((b) => b.count)).toEqual(Array(10).fill(50));
  });

  it('bins like numpy.histogram: the last bin holds the maximum, values outside the range are left out', () => {
    const bins = histogramBins(Float64Array.from([0, 0.5, 1, 1, 2, -1]), 2, [0, 1]);
    expect(bins).toEqual([{ start: 0, end: 0.5, count: 1 }, { start: 0.5, end: 1, count: 3 }]);
    expect(histogramBins(Float64Array.from([3, 3]), 4).reduce((a, b) => a + b.count, 0)).toBe(2);
  });

  it('refuses NaN values and a bad range', () => {
    expect(() => histogram([0.1, NaN])).toThrow(/NON_FINITE_INPUT.*values\[1\]/);
    expect(() => histogram([0.1], { range: [1, 0] })).toThrow(/BAD_OPTION/);
  });
});

describe('scatterWeights', () => {
  it('draws a point per weight and the line y = x, with the correlation', async () => {
    const trueW = Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.7) * 2);
    const recovered = { data: Float32Array.from(trueW, (w, i) => w * 0.97 + Math.cos(i) * 0.05), rows: 6, cols: 10 };
    const root = await svgOf(scatterWeights(trueW, recovered), 'scatter-weights.svg');
    const t = texts(root);
    expect(t).toEqual(expect.arrayContaining(['true weight', 'recovered weight', 'y = x']));
    expect(t.some((s) => /^correlation 0\.99\d\d, 60 weights$/.test(s))).toBe(true);
    expect(marks(root, 'symbol').length).toBe(60);
    expect(marks(root, 'rule').length).toBe(1);
    expect(correlation([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
  });

  it('refuses weights of different lengths', () => {
    expect(() => scatterWeights([1, 2], [1])).toThrow(/SHAPE_MISMATCH/);
  });
});

describe('the figure object', () => {
  it('keeps the Vega-Lite spec and its compiled Vega spec as plain JSON', () => {
    const fig = histogram([1, 2, 3]);
    expect(JSON.parse(JSON.stringify(fig.spec))).toEqual(fig.spec);
    expect(fig.toVega()).toMatchObject({ marks: expect.any(Array) });
  });

  it('mount refuses what is not an element', async () => {
    await expect(histogram([1]).mount(42 as never)).rejects.toThrow(/BAD_OPTION/);
  });
});

describe('the entry', () => {
  it('is outside the main entry: nothing src/index.ts imports, however deep, reaches src/plot or Vega', () => {
    const src = fileURLToPath(new URL('../src/', import.meta.url));
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(`${src}${file}`, 'utf8');
      // Static imports and re-exports only: a lazy import('...') (the CLI's --plot) loads on use.
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1] ?? m[2];
        if (!spec.startsWith('.')) { packages.add(spec); continue; }
        const target = new URL(spec.replace(/\.js$/, '.ts'), new URL(file, `file://${src}`)).pathname.slice(src.length);
        visit(target);
      }
    };
    visit('index.ts');
    expect(seen.size).toBeGreaterThan(40);
    expect([...seen].filter((f) => f.startsWith('plot/'))).toEqual([]);
    expect([...packages].filter((p) => p.startsWith('vega'))).toEqual([]);
    expect(readdirSync(`${src}plot`).sort()).toEqual(['charts.ts', 'figure.ts', 'index.ts', 'values.ts']);
  });
});
