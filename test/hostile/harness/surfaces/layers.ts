// The layer API: Linear with hostile sizes and options, forward / backward with hostile batches,
// the activations, Sequential, the losses with hostile targets (null, out of range, not one-hot),
// the optimizers and gradCheck.
import fc from 'fast-check';
import * as W from '../../../../src/index.js';
import { finite, finiteNumber, matrixOut, type MatrixOut } from '../checks.js';
import { buildMatrix, cleanMatrix, matrixSpec, none, shapeOf, type MatrixSpec } from '../data.js';
import type { Ctx } from '../outcome.js';
import type { Env, Surface } from '../surface.js';
import { hostileNumber, hostileValue, unknownKey } from '../values.js';

/** Sizes: small ones, and ones that must be refused or fail fast (never a legitimately huge layer). */
const size: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 30, 2 ** 31, 2 ** 32, 2 ** 32 + 4, 2 ** 53, 1e308, -0, '3', 3n, null, undefined, true, [3], {}) },
);

type ActName = 'ReLU' | 'Tanh' | 'Sigmoid' | 'Softmax';
const ACTS: ActName[] = ['ReLU', 'Tanh', 'Sigmoid', 'Softmax'];

interface LayerOpts {
  dtype: unknown;
  init: unknown;
  seed: unknown;
  weight: 'none' | 'valid' | MatrixSpec;
  bias: 'none' | 'valid' | MatrixSpec;
  backend: unknown;
  extra: [string, unknown] | null;
  which: string[];
}

const layerOpts = (env: Env): fc.Arbitrary<LayerOpts> =>
  fc.record({
    dtype: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('float32', 'float64') }, { weight: 1, arbitrary: hostileValue }),
    init: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<unknown>('glorotUniform', 'heNormal', 'zeros') },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(() => 0.5, () => NaN, () => Infinity, () => 'x', () => 1e39, (r: () => number) => r) },
      { weight: 1, arbitrary: hostileValue },
    ),
    seed: fc.oneof({ weight: 4, arbitrary: fc.nat(100) }, { weight: 1, arbitrary: hostileNumber }, { weight: 1, arbitrary: hostileValue }),
    weight: fc.oneof({ weight: 4, arbitrary: fc.constant('none' as const) }, { weight: 2, arbitrary: fc.constant('valid' as const) }, { weight: 2, arbitrary: matrixSpec() }),
    bias: fc.oneof({ weight: 4, arbitrary: fc.constant('none' as const) }, { weight: 2, arbitrary: fc.constant('valid' as const) }, { weight: 2, arbitrary: matrixSpec() }),
    backend: fc.oneof({ weight: 6, arbitrary: fc.constantFrom<unknown>(...env.available, 'auto') }, { weight: 1, arbitrary: hostileValue }),
    extra: fc.oneof({ weight: 10, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(unknownKey, hostileValue) }),
    which: fc.subarray(['dtype', 'init', 'seed', 'weight', 'bias', 'backend']),
  });

type Op =
  | { op: 'forward'; x: MatrixSpec; sameCols: boolean; training: unknown }
  | { op: 'backward'; g: MatrixSpec; sameShape: boolean }
  | { op: 'zeroGrad' }
  | { op: 'set'; values: MatrixSpec; sameShape: boolean }
  | { op: 'read' }
  | { op: 'dispose' };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('forward' as const), x: matrixSpec(), sameCols: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), training: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.boolean() }, { weight: 1, arbitrary: hostileValue }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('backward' as const), g: matrixSpec(), sameShape: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) }) },
    { weight: 1, arbitrary: fc.constant({ op: 'zeroGrad' as const }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('set' as const), values: matrixSpec(), sameShape: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ op: 'read' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'dispose' as const }) },
  ),
  { minLength: 1, maxLength: 4 },
);

type LossTarget = { t: 'indices'; values: number[]; edits: { at: number; v: unknown }[] } | { t: 'rows'; spec: MatrixSpec } | { t: 'value'; v: unknown };

type LayersCase =
  | { kind: 'linear'; nIn: unknown; nOut: unknown; opts: LayerOpts | null; ops: Op[] }
  | { kind: 'activation'; act: ActName; backend: unknown; ops: Op[]; width: number }
  | { kind: 'sequential'; layers: ('linear' | ActName | 'value')[]; v: unknown; x: MatrixSpec; g: MatrixSpec; width: number }
  | { kind: 'loss'; loss: 'softmaxCrossEntropy' | 'binaryCrossEntropy'; logits: MatrixSpec; target: LossTarget; options: unknown }
  | { kind: 'optimizer'; opt: 'SGD' | 'Momentum' | 'Adam'; options: Record<string, unknown> | null; raw: unknown; params: 'layer' | 'value' | 'twice'; v: unknown; grad: MatrixSpec }
  | { kind: 'gradCheck'; x: MatrixSpec; y: LossTarget; loss: unknown; eps: unknown; width: number };

const lossTarget: fc.Arbitrary<LossTarget> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('indices' as const), values: fc.array(fc.nat(3), { minLength: 1, maxLength: 12 }), edits: fc.oneof({ weight: 2, arbitrary: fc.constant(none<{ at: number; v: unknown }>()) }, { weight: 1, arbitrary: fc.array(fc.record({ at: fc.nat(11), v: fc.oneof(hostileNumber, hostileValue) }), { maxLength: 1 }) }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('rows' as const), spec: matrixSpec() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('value' as const), v: fc.oneof(fc.constantFrom<unknown>(null, undefined), hostileValue) }) },
);

/** A third of the cases are made valid throughout, so the layers' results are checked too. */
function caseArb(env: Env): fc.Arbitrary<LayersCase> {
  return fc.tuple(fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), anyCase(env)).map(([clean, c]) => (clean ? cleanCase(c) : c));
}

function cleanOps(ops: Op[]): Op[] {
  return ops.map((o) => (o.op === 'forward' ? { ...o, x: cleanMatrix(o.x), sameCols: true, training: undefined } : o.op === 'backward' ? { ...o, g: cleanMatrix(o.g), sameShape: true } : o.op === 'set' ? { ...o, values: cleanMatrix(o.values), sameShape: true } : o));
}

function cleanCase(c: LayersCase): LayersCase {
  const small = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 6 ? v : 3);
  switch (c.kind) {
    case 'linear': return { ...c, nIn: small(c.nIn), nOut: small(c.nOut), opts: null, ops: cleanOps(c.ops) };
    case 'activation': return { ...c, backend: 'js', ops: cleanOps(c.ops) };
    case 'sequential': return { ...c, layers: c.layers.filter((l) => l !== 'value'), x: cleanMatrix(c.x), g: cleanMatrix(c.g) };
    case 'loss': return { ...c, logits: cleanMatrix(c.logits), target: c.target.t === 'indices' ? { ...c.target, edits: [] } : c.target.t === 'rows' ? c.target : { t: 'indices', values: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], edits: [] }, options: undefined };
    case 'optimizer': return { ...c, options: null, raw: undefined, params: c.params === 'value' ? 'layer' : c.params, grad: cleanMatrix(c.grad) };
    case 'gradCheck': return { ...c, x: cleanMatrix(c.x), y: c.y.t === 'indices' ? { ...c.y, edits: [] } : { t: 'indices', values: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], edits: [] }, loss: 'softmaxCrossEntropy', eps: undefined };
  }
}

function anyCase(env: Env): fc.Arbitrary<LayersCase> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('linear' as const), nIn: size, nOut: size, opts: fc.option(layerOpts(env), { freq: 2 }), ops }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('activation' as const), act: fc.constantFrom(...ACTS), backend: fc.oneof({ weight: 6, arbitrary: fc.constantFrom<unknown>(...env.available) }, { weight: 1, arbitrary: hostileValue }), ops, width: fc.integer({ min: 1, max: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('sequential' as const), layers: fc.array(fc.constantFrom<'linear' | ActName | 'value'>('linear', 'linear', 'ReLU', 'Tanh', 'Sigmoid', 'Softmax', 'value'), { maxLength: 4 }), v: hostileValue, x: matrixSpec(), g: matrixSpec(), width: fc.integer({ min: 1, max: 4 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('loss' as const), loss: fc.constantFrom('softmaxCrossEntropy' as const, 'binaryCrossEntropy' as const), logits: matrixSpec(), target: lossTarget, options: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: fc.constantFrom<unknown>(...env.available.map((backend) => ({ backend }))) }, { weight: 1, arbitrary: hostileValue }, { weight: 1, arbitrary: hostileValue.map((backend) => ({ backend })) }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('optimizer' as const), opt: fc.constantFrom('SGD' as const, 'Momentum' as const, 'Adam' as const), options: fc.option(fc.dictionary(fc.constantFrom('lr', 'momentum', 'nesterov', 'beta1', 'beta2', 'eps', 'amsgrad', 'weightDecay', 'foo'), fc.oneof(fc.constantFrom<unknown>(0.1, 0.01, 0.9, 0, true, false), hostileNumber, hostileValue), { maxKeys: 3 }), { freq: 4 }), raw: hostileValue, params: fc.constantFrom('layer' as const, 'layer' as const, 'value' as const, 'twice' as const), v: hostileValue, grad: matrixSpec() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('gradCheck' as const), x: matrixSpec({ maxRows: 4, maxCols: 3 }), y: lossTarget, loss: fc.oneof({ weight: 4, arbitrary: fc.constantFrom<unknown>('softmaxCrossEntropy', 'binaryCrossEntropy') }, { weight: 1, arbitrary: hostileValue }), eps: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileNumber }), width: fc.integer({ min: 1, max: 3 }) }) },
  );
}

type Layer = W.Module & { inFeatures?: number; outFeatures?: number };

/** Inputs no larger than this in magnitude must give finite outputs. */
const MODERATE = 1e4;

function moderate(x: unknown): boolean {
  const m = x as { data?: ArrayLike<unknown> };
  const values: unknown[] = Array.isArray(x) ? (x as unknown[][]).flat() : m && m.data ? Array.from(m.data) : [];
  return values.every((v) => typeof v === 'number' && Math.abs(v) <= MODERATE);
}

function buildTarget(t: LossTarget, rows: number, cols: number): unknown {
  if (t.t === 'value') return t.v;
  if (t.t === 'rows') return buildMatrix(t.spec, cols);
  const y: unknown[] = Array.from({ length: rows }, (_, i) => t.values[i % t.values.length] % Math.max(1, cols));
  for (const e of t.edits) if (rows > 0) y[e.at % rows] = e.v;
  return y;
}

function linearOptions(o: LayerOpts, nIn: unknown, nOut: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = typeof nIn === 'number' && typeof nOut === 'number' && nIn * nOut <= 64 ? nIn * nOut : 4;
  for (const k of o.which) {
    if (k === 'weight') out.weight = o.weight === 'none' ? undefined : o.weight === 'valid' ? Array.from({ length: n }, (_, i) => (i % 3) - 1) : buildMatrix(o.weight);
    else if (k === 'bias') out.bias = o.bias === 'none' ? undefined : o.bias === 'valid' ? Array.from({ length: typeof nOut === 'number' && nOut <= 64 ? nOut : 1 }, () => 0.5) : buildMatrix(o.bias);
    else out[k] = (o as unknown as Record<string, unknown>)[k];
  }
  if (o.extra) out[o.extra[0]] = o.extra[1];
  return out;
}

function runOps(ctx: Ctx, layer: Layer, name: string, inCols: number | null, outCols: (inCols: number) => number, ops: Op[], check: (x: unknown, y: MatrixOut) => void): void {
  let last: { rows: number; cols: number; inCols: number } | null = null;
  for (const op of ops) {
    if (op.op === 'forward') {
      const cols = op.sameCols && inCols !== null ? inCols : op.x.cols;
      const x = buildMatrix(op.x, cols);
      const opts = op.training === undefined ? undefined : { training: op.training };
      const y = ctx.call(`${name}.forward`, [x, opts], () => layer.forward(x as W.MatrixLike, opts as W.ForwardOptions));
      const Y = matrixOut(ctx, `${name}.forward`, y, shapeOf(x)?.rows ?? null, outCols(shapeOf(x)?.cols ?? cols));
      if (moderate(x)) finite(ctx, `${name}.forward`, Y);
      check(x, Y);
      last = op.training === false ? null : { rows: Y.rows, cols: Y.cols, inCols: shapeOf(x)?.cols ?? cols };
    } else if (op.op === 'backward') {
      const g = op.sameShape && last ? buildMatrix({ ...op.g, rows: last.rows }, last.cols) : buildMatrix(op.g);
      const dx = ctx.call(`${name}.backward`, [g], () => layer.backward(g as W.MatrixLike));
      const D = matrixOut(ctx, `${name}.backward`, dx, last ? last.rows : null, last ? last.inCols : inCols);
      if (moderate(g)) finite(ctx, `${name}.backward`, D);
    } else if (op.op === 'zeroGrad') {
      ctx.call(`${name}.zeroGrad`, [], () => layer.zeroGrad());
    } else if (op.op === 'read') {
      const ps = ctx.call(`${name}.parameters`, [], () => layer.parameters());
      for (const p of ps) {
        const v = ctx.call(`Parameter.value`, [], () => p.value);
        matrixOut(ctx, 'Parameter.value', v, p.shape[0], p.shape[1]);
        const g = ctx.call(`Parameter.grad`, [], () => p.grad);
        matrixOut(ctx, 'Parameter.grad', g, p.shape[0], p.shape[1]);
      }
    } else if (op.op === 'set') {
      const ps = ctx.call(`${name}.parameters`, [], () => layer.parameters());
      const p = ps[0];
      if (!p) continue;
      const values = op.sameShape ? buildMatrix({ ...op.values, rows: p.shape[0] }, p.shape[1]) : buildMatrix(op.values);
      ctx.call('Parameter.set', [values], () => p.set(values as W.MatrixLike));
    } else {
      ctx.call(`${name}.dispose`, [], () => layer.dispose());
      ctx.call(`${name}.parameters`, [], () => layer.parameters());
      if (ops.length > 0) return;
    }
  }
}

function activationCheck(ctx: Ctx, act: ActName, x: unknown, Y: MatrixOut): void {
  const entry = `${act}.forward`;
  if (act === 'Sigmoid' && Y.data.some((v) => v < 0 || v > 1)) ctx.bad(entry, `gave ${Y.data.find((v) => v < 0 || v > 1)}, outside [0, 1]`);
  if (act === 'Tanh' && Y.data.some((v) => v < -1 || v > 1)) ctx.bad(entry, `gave ${Y.data.find((v) => v < -1 || v > 1)}, outside [-1, 1]`);
  if (act === 'ReLU' && Y.data.some((v) => v < 0)) ctx.bad(entry, 'gave a negative value');
  if (act === 'Softmax') {
    finite(ctx, entry, Y); // softmax is finite for every finite input: subtract the row max
    for (let i = 0; i < Y.rows; i++) {
      let s = 0;
      for (let k = 0; k < Y.cols; k++) s += Y.data[i * Y.cols + k];
      if (!(Math.abs(s - 1) < 1e-3)) ctx.bad(entry, `rows sum to ${s}`);
    }
  } else if (act !== 'ReLU') finite(ctx, entry, Y);
  void x;
}

export const layers: Surface<LayersCase> = {
  name: 'layers',
  weight: 12,
  vitestRuns: 1000,
  caseTimeoutMs: 10_000,
  arb: caseArb,
  run(c, ctx, env) {
    const WL = W as unknown as Record<string, new (...a: unknown[]) => Layer>;
    switch (c.kind) {
      case 'linear': {
        const args: unknown[] = c.opts ? [c.nIn, c.nOut, linearOptions(c.opts, c.nIn, c.nOut)] : [c.nIn, c.nOut];
        const layer = ctx.own(ctx.call('new Linear', args, () => new WL.Linear(...args)));
        const nIn = layer.inFeatures!, nOut = layer.outFeatures!;
        ctx.check(nIn === c.nIn && nOut === c.nOut, 'new Linear', () => `made a ${String(nIn)} -> ${String(nOut)} layer from sizes ${String(c.nIn)}, ${String(c.nOut)}`);
        runOps(ctx, layer, 'Linear', nIn, () => nOut, c.ops, () => undefined);
        return;
      }
      case 'activation': {
        const opts = { backend: c.backend };
        const layer = ctx.own(ctx.call(`new ${c.act}`, [opts], () => new WL[c.act](opts)));
        runOps(ctx, layer, c.act, c.width, (n) => n, c.ops.map((o) => (o.op === 'forward' ? { ...o, sameCols: false } : o)), (x, Y) => activationCheck(ctx, c.act, x, Y));
        return;
      }
      case 'sequential': {
        const mods: unknown[] = [];
        let width = c.width;
        for (const l of c.layers) {
          if (l === 'value') mods.push(c.v);
          else if (l === 'linear') {
            mods.push(ctx.own(ctx.call('new Linear', [], () => new WL.Linear(width, 2))));
            width = 2;
          } else mods.push(ctx.own(ctx.call(`new ${l}`, [], () => new WL[l]())));
        }
        const net = ctx.own(ctx.call('new Sequential', [mods], () => new WL.Sequential(mods)));
        const x = buildMatrix(c.x, c.width);
        // Without a Linear layer the net keeps x's width (a ragged first row may set it).
        const outWidth = c.layers.includes('linear') ? width : shapeOf(x)?.cols ?? null;
        const y = matrixOut(ctx, 'Sequential.forward', ctx.call('Sequential.forward', [x], () => net.forward(x as W.MatrixLike)), shapeOf(x)?.rows ?? null, outWidth);
        if (moderate(x)) finite(ctx, 'Sequential.forward', y);
        const g = buildMatrix({ ...c.g, rows: y.rows }, y.cols);
        const dx = ctx.call('Sequential.backward', [g], () => net.backward(g as W.MatrixLike));
        const D = matrixOut(ctx, 'Sequential.backward', dx, y.rows, shapeOf(x)?.cols ?? c.width);
        if (moderate(g) && moderate(x)) finite(ctx, 'Sequential.backward', D);
        return;
      }
      case 'loss': {
        const logits = buildMatrix(c.logits);
        const target = buildTarget(c.target, c.logits.rows, c.logits.cols);
        const fn = W[c.loss] as (a: unknown, b: unknown, o?: unknown) => { loss: number; grad: unknown };
        const r = ctx.call(c.loss, [logits, target, c.options], () => fn(logits, target, c.options));
        const entry = c.loss;
        ctx.check(typeof r === 'object' && r !== null, entry, () => `returned ${String(r)}`);
        finiteNumber(ctx, entry, r.loss);
        ctx.check(r.loss >= -1e-5, entry, () => `returned the negative loss ${r.loss}`);
        const G = matrixOut(ctx, entry, r.grad, shapeOf(logits)?.rows ?? null, shapeOf(logits)?.cols ?? null);
        finite(ctx, entry, G);
        return;
      }
      case 'optimizer': {
        const Opt = WL[c.opt] as unknown as new (o?: unknown) => W.Optimizer;
        const optArg = c.options ?? c.raw;
        const opt = ctx.own(ctx.call(`new ${c.opt}`, [optArg], () => new Opt(optArg)));
        const layer = ctx.own(ctx.call('new Linear', [], () => new WL.Linear(3, 2)));
        const x = [[1, 2, 3], [0.5, -1, 2]];
        ctx.call('Linear.forward', [x], () => layer.forward(x));
        const g = buildMatrix({ ...c.grad, rows: 2 }, 2);
        ctx.call('Linear.backward', [g], () => layer.backward(g as W.MatrixLike));
        const params = c.params === 'value' ? c.v : layer.parameters();
        ctx.call(`${c.opt}.step`, [params], () => opt.step(params as Iterable<W.Parameter>));
        if (c.params === 'twice') ctx.call(`${c.opt}.step`, [], () => opt.step(layer.parameters()));
        // A step with moderate hyperparameters and gradients leaves finite weights.
        const moderateOptions = c.options === null || Object.values(c.options).every((v) => typeof v !== 'number' || Math.abs(v) <= 1e3);
        if (c.params !== 'value' && moderate(g) && moderateOptions) {
          for (const p of ctx.call('Linear.parameters', [], () => layer.parameters())) {
            const v = matrixOut(ctx, 'Parameter.value', ctx.call('Parameter.value', [], () => p.value), p.shape[0], p.shape[1]);
            finite(ctx, `${c.opt}.step`, v);
          }
        }
        return;
      }
      case 'gradCheck': {
        const net = ctx.own(ctx.call('new Linear', [], () => new WL.Linear(c.x.cols || 1, c.width)));
        const x = buildMatrix(c.x, c.x.cols || 1);
        const y = buildTarget(c.y, c.x.rows, c.width);
        const opts = { loss: c.loss, eps: c.eps };
        const r = ctx.call('gradCheck', [x, y, opts], () => W.gradCheck(net, x as W.MatrixLike, y as W.LossTargets, opts as W.ModuleGradCheckOptions));
        ctx.check(typeof r === 'object' && r !== null && typeof r.maxRelError === 'number' && !Number.isNaN(r.maxRelError), 'gradCheck', () => `returned maxRelError ${String(r?.maxRelError)}`);
        return;
      }
    }
    void env;
  },
};
