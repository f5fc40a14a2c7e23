// wasmlearn/plot: the figures of the notebooks (loss curves, per-iteration loss, histograms,
// recovered-versus-true weights) from an estimator's `history` and plain arrays.
//
// Why Vega-Lite (compiled by `vega-lite`) rendered by Vega's headless View, and not Observable
// Plot with a server-side DOM:
// - No DOM in Node or Deno. `new View(parse(spec), { renderer: 'none' }).toSVG()` builds the SVG
//   string from Vega's own scenegraph; Observable Plot renders into a `document`, so Node and Deno
//   would need jsdom or linkedom as well, and a second code path for browsers.
// - It installs without scripts: vega, vega-lite and their dependencies are plain JavaScript
//   (the optional `canvas` package, which has a native build, is not needed for SVG and is not
//   installed; text widths are then estimated, which is fine for axis labels).
// - One spec for every runtime: the same figure goes to a file in Node and Deno (`toSVG()`),
//   into a page in browsers (`mount(element)`, Vega's SVG renderer), and `figure.spec` is plain
//   Vega-Lite JSON, which the Vega editor and vega-embed open as they are.
// - Bundle cost only for those who import it: this entry is its own package export
//   ('wasmlearn/plot' -> dist/plot/index.js); the main entry never imports it (test/plot.test.ts
//   walks its static imports), so a bundle of 'wasmlearn' holds none of Vega. Importing the entry costs about
//   820 kB of minified JavaScript, 280 kB gzipped (a Vite build of a page that mounts a figure:
//   Vega and Vega-Lite's compiler), the price of a general grammar; the figures here are small
//   specs, not code of their own.
// Both are the Vega project's (begun at the University of Washington Interactive Data Lab), released
// in step and well kept; Altair in Python draws through the same two.
//
//   import { lossCurves } from 'wasmlearn/plot';
//   const fig = lossCurves(rates.map((lr, i) => ({ name: lr, history: models[i].history })), { logScale: true });
//   await writeFile('loss.svg', await fig.toSVG());     // Node, Deno
//   await fig.mount(document.querySelector('#loss')!);  // browsers
export { Figure, type VegaSpec } from './figure.js';
export {
  lossCurves, iterationLoss, histogram, scatterWeights,
  type HistoryPoint, type Series, type FigureOptions, type LossCurvesOptions, type IterationLossOptions,
  type HistogramOptions, type ScatterWeightsOptions,
} from './charts.js';
export { movingAverage, histogramBins, correlation, type Bin, type Values } from './values.js';
