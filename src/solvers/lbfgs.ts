/**
 * Limited-memory BFGS with a line search satisfying the strong Wolfe conditions
 * (Nocedal & Wright, algorithms 7.4, 3.5 and 3.6). Stopping follows scipy's L-BFGS-B as
 * scikit-learn calls it: the largest gradient component at most `tol`, a relative decrease of
 * the objective below `ftol`, or `maxIter` iterations.
 */

/** Writes the gradient at x into g and returns the objective at x. */
export type ObjectiveFn = (x: Float64Array, g: Float64Array) => number;

/** The objective at a point and its gradient, as the caller of lbfgsSteps answers each point it yields. */
export interface Evaluation {
  f: number;
  g: Float64Array;
}

/**
 * L-BFGS as a generator: it yields each point to evaluate (a buffer it reuses: read it before
 * answering) and is answered with the objective there and its gradient (copied, so the answer's
 * array may be reused too). One body for the synchronous solver and for an asynchronous gradient.
 */
export type LbfgsSteps = Generator<Float64Array, LbfgsResult, Evaluation>;

export interface LbfgsOptions {
  maxIter: number;
  /** Stop when max |g_i| <= tol. */
  tol: number;
  /** Stop when (f_prev - f) / max(|f_prev|, |f|, 1) <= ftol. */
  ftol?: number;
  /** Pairs (s, y) kept for the inverse Hessian estimate. */
  memory?: number;
  maxLineSearch?: number;
  /** Called after each iteration; returning false stops. */
  onIter?: (iter: number, f: number, gMax: number, step: number) => boolean | void;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  nIter: number;
  /** Why it stopped: the gradient or the decrease below tolerance, maxIter, the callback, a failed line search, a non-finite start. */
  stop: 'converged' | 'maxIter' | 'callback' | 'lineSearch' | 'notFinite';
  /** Why it stopped, in words. */
  message: string;
}

interface Step {
  f: number;
  step: number;
}

const C1 = 1e-4;
const C2 = 0.9;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** L-BFGS over fg, synchronously: lbfgsSteps answered by fg. */
export function lbfgs(fg: ObjectiveFn, x0: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const g = new Float64Array(x0.length);
  const steps = lbfgsSteps(x0, opts);
  for (let r = steps.next(); ; ) {
    if (r.done) return r.value;
    const f = fg(r.value, g);
    r = steps.next({ f, g });
  }
}

/** L-BFGS from x0, yielding each point to evaluate (see LbfgsSteps). */
export function* lbfgsSteps(x0: Float64Array, opts: LbfgsOptions): LbfgsSteps {
  const n = x0.length;
  const m = opts.memory ?? 10;
  const ftol = opts.ftol ?? 64 * Number.EPSILON;
  const maxLs = opts.maxLineSearch ?? 50;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let stored = 0;
  let head = 0; // index of the oldest pair once the ring is full

  let f = yield* evaluateAt(x, g);
  if (!Number.isFinite(f)) return { x, f, nIter: 0, stop: 'notFinite', message: 'the objective is not finite at the start' };
  if (maxAbs(g) <= opts.tol) return { x, f, nIter: 0, stop: 'converged', message: 'the gradient is already below tol' };

  for (let iter = 1; iter <= opts.maxIter; iter++) {
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = stored - 1; k >= 0; k--) {
      const j = (head + k) % m;
      alpha[j] = rho[j] * dot(S[j], d);
      for (let i = 0; i < n; i++) d[i] -= alpha[j] * Y[j][i];
    }
    if (stored > 0) {
      const j = (head + stored - 1) % m;
      const gamma = dot(S[j], Y[j]) / dot(Y[j], Y[j]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let k = 0; k < stored; k++) {
      const j = (head + k) % m;
      const beta = rho[j] * dot(Y[j], d);
      for (let i = 0; i < n; i++) d[i] += S[j][i] * (alpha[j] - beta);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      for (let i = 0; i < n; i++) d[i] = -g[i];
      slope = dot(g, d);
      stored = 0;
      head = 0;
    }
    const step0 = stored === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
    const ls = yield* lineSearch(x, f, d, slope, step0, xNew, gNew, maxLs);
    if (ls === null) {
      return { x, f, nIter: iter - 1, stop: 'lineSearch', message: 'the line search found no acceptable step (the objective may be too flat for float32)' };
    }
    const fPrev = f;
    // Store the pair s = x_new - x, y = g_new - g when it keeps H positive definite.
    const j = stored < m ? (head + stored) % m : head;
    for (let i = 0; i < n; i++) {
      S[j][i] = xNew[i] - x[i];
      Y[j][i] = gNew[i] - g[i];
    }
    const sy = dot(S[j], Y[j]);
    if (sy > 1e-10 * dot(Y[j], Y[j])) {
      rho[j] = 1 / sy;
      if (stored < m) stored++;
      else head = (head + 1) % m;
    }
    x.set(xNew);
    g.set(gNew);
    f = ls.f;
    const gMax = maxAbs(g);
    if (opts.onIter?.(iter, f, gMax, ls.step) === false) return { x, f, nIter: iter, stop: 'callback', message: 'stopped by the callback' };
    if (gMax <= opts.tol) return { x, f, nIter: iter, stop: 'converged', message: 'the largest gradient component fell below tol' };
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol) {
      return { x, f, nIter: iter, stop: 'converged', message: 'the relative decrease of the objective fell below ftol' };
    }
  }
  return { x, f, nIter: opts.maxIter, stop: 'maxIter', message: `reached maxIter = ${opts.maxIter} before converging` };
}

/** Yields x and keeps the answer: the objective, returned, and the gradient, copied into g. */
function* evaluateAt(x: Float64Array, g: Float64Array): Generator<Float64Array, number, Evaluation> {
  const e = yield x;
  g.set(e.g);
  return e.f;
}

/**
 * Finds a step t along d with f(x + t d) <= f + C1 t slope and |f'(x + t d)| <= C2 |slope|.
 * Leaves the point in xNew and its gradient in gNew; returns its objective, or null on failure.
 */
function* lineSearch(
  x: Float64Array, f0: number, d: Float64Array, slope0: number,
  step0: number, xNew: Float64Array, gNew: Float64Array, maxEvals: number,
): Generator<Float64Array, Step | null, Evaluation> {
  const n = x.length;
  const evaluate = function* (t: number): Generator<Float64Array, [number, number], Evaluation> {
    for (let i = 0; i < n; i++) xNew[i] = x[i] + t * d[i];
    const f = yield* evaluateAt(xNew, gNew);
    return [f, dot(gNew, d)];
  };
  let tPrev = 0, fPrev = f0, sPrev = slope0;
  let t = step0;
  for (let evals = 0; evals < maxEvals; evals++) {
    const [f, s] = yield* evaluate(t);
    if (!Number.isFinite(f) || f > f0 + C1 * t * slope0 || (evals > 0 && f >= fPrev)) {
      return yield* zoom(evaluate, f0, slope0, tPrev, fPrev, sPrev, t, f, s, maxEvals - evals - 1);
    }
    if (Math.abs(s) <= -C2 * slope0) return { f, step: t };
    if (s >= 0) return yield* zoom(evaluate, f0, slope0, t, f, s, tPrev, fPrev, sPrev, maxEvals - evals - 1);
    tPrev = t; fPrev = f; sPrev = s;
    t *= 2;
  }
  return null;
}

/** Narrows [lo, hi] around a Wolfe point by safeguarded cubic interpolation. */
function* zoom(
  evaluate: (t: number) => Generator<Float64Array, [number, number], Evaluation>, f0: number, slope0: number,
  lo: number, fLo: number, sLo: number, hi: number, fHi: number, sHi: number, maxEvals: number,
): Generator<Float64Array, Step | null, Evaluation> {
  for (let evals = 0; evals < maxEvals; evals++) {
    let t = cubicMin(lo, fLo, sLo, hi, fHi, sHi);
    const a = Math.min(lo, hi), b = Math.max(lo, hi);
    // Keep the trial inside the middle 80% of the bracket, else bisect.
    if (!Number.isFinite(t) || t < a + 0.1 * (b - a) || t > b - 0.1 * (b - a)) t = (lo + hi) / 2;
    const [f, s] = yield* evaluate(t);
    if (!Number.isFinite(f) || f > f0 + C1 * t * slope0 || f >= fLo) {
      hi = t; fHi = f; sHi = s;
    } else {
      if (Math.abs(s) <= -C2 * slope0) return { f, step: t };
      if (s * (hi - lo) >= 0) {
        hi = lo; fHi = fLo; sHi = sLo;
      }
      lo = t; fLo = f; sLo = s;
    }
    if (Math.abs(hi - lo) < 1e-16 * Math.max(1, Math.abs(lo))) break;
  }
  // The bracket collapsed: accept the best point if it decreased the objective at all.
  if (fLo < f0 && lo > 0) {
    const [f] = yield* evaluate(lo);
    return { f, step: lo };
  }
  return null;
}

/** Minimizer of the cubic through (a, fa, sa) and (b, fb, sb). */
function cubicMin(a: number, fa: number, sa: number, b: number, fb: number, sb: number): number {
  if (!Number.isFinite(fb)) return NaN;
  const d1 = sa + sb - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - sa * sb;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * (sb + d2 - d1) / (sb - sa + 2 * d2);
}
