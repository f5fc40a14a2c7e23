// The fit worker's side of message-passing threads: the training rows cut into fixed-size blocks
// that depend only on the row count, dealt in order to the shard workers (a contiguous run of
// blocks each), and each full-batch gradient summed from the blocks' partials in block order, then
// divided by the total weight: the same bits whatever the number of shards.
import { fail } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { TrainingTargets } from '../core/targets.js';
import { receiveError, type ExchangeCost, type WorkerMemory } from './protocol.js';
import type { FromShard, ShardBlock, ShardRecipe, ToShard } from './shard-protocol.js';

/** The training rows as a plan holds them. */
export interface TrainingRows {
  X: Matrix;
  targets: TrainingTargets;
  sw: Float64Array | null;
}

/** What a sharded fit needs: the rows handed over once, then the data loss and gradient at given parameters. */
export interface GradientShards {
  load(train: TrainingRows): Promise<void>;
  gradient(x: Float64Array): Promise<{ loss: number; gradient: Float64Array }>;
}

/** The rows of m from `from` to `to`, copied into their own buffer (to be transferred). */
function rowsOf(m: Matrix, from: number, to: number): Matrix {
  return { data: m.data.slice(from * m.cols, to * m.cols), rows: to - from, cols: m.cols };
}

/**
 * The training rows in blocks of `size` rows (the last shorter). A block of zero total weight
 * adds nothing to the sums and is left out (its objective's mean would be 0 / 0).
 */
export function cutBlocks(train: TrainingRows, size: number): ShardBlock[] {
  const blocks: ShardBlock[] = [];
  const n = train.X.rows;
  for (let from = 0; from < n; from += size) {
    const to = Math.min(n, from + size);
    const sw = train.sw && train.sw.slice(from, to);
    // The objective sums its weights as this does (in row order), so weight * mean undoes its division.
    const weight = sw ? sw.reduce((a, b) => a + b, 0) : to - from;
    if (weight === 0) continue;
    const t = train.targets;
    const targets = 'classes' in t ? { classes: t.classes.slice(from, to) } : { indicators: rowsOf(t.indicators, from, to) };
    blocks.push({ X: rowsOf(train.X, from, to), targets, sw, weight });
  }
  return blocks;
}

/** Blocks [first, first + count) of each shard: contiguous runs in order, as even as can be. */
function deal(blocks: number, shards: number): { first: number; count: number }[] {
  return Array.from({ length: shards }, (_, s) => {
    const first = Math.floor((s * blocks) / shards);
    return { first, count: Math.floor(((s + 1) * blocks) / shards) - first };
  });
}

/** One shard worker's port: it answers requests in the order they were sent. */
class ShardPort {
  readonly #waiting: { resolve: (m: FromShard) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly port: MessagePort) {
    port.onmessage = (e: MessageEvent<FromShard>) => {
      const waiting = this.#waiting.shift();
      if (!waiting) return;
      if (e.data.type === 'error') waiting.reject(receiveError(e.data.error));
      else waiting.resolve(e.data);
    };
  }

  /** Sends m and resolves with its answer (a shard's error rejects). */
  ask(m: ToShard, transfer: Transferable[] = []): Promise<FromShard> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.port.postMessage(m, transfer);
    });
  }

  close(): void {
    this.port.close();
  }
}

export class Shards implements GradientShards {
  readonly #ports: ShardPort[];
  /** The shards that hold blocks, with how many: the others are not asked for gradients. */
  #holding: { port: ShardPort; count: number }[] = [];
  #blocks = 0;
  #weight = 0;
  #loadMs = 0;
  /** Each gradient's wall time, and the slowest shard's compute in it. */
  readonly #gradientMs: number[] = [];
  readonly #computeMs: number[] = [];

  constructor(
    ports: MessagePort[],
    private readonly recipe: Omit<ShardRecipe, 'rows' | 'cols'>,
    /** Rows per block for a fit on this many rows. */
    private readonly blockRows: (rows: number) => number,
  ) {
    this.#ports = ports.map((p) => new ShardPort(p));
  }

  /** Cuts the rows into blocks and sends each shard its run of them, transferred. */
  async load(train: TrainingRows): Promise<void> {
    const t0 = performance.now();
    const blocks = cutBlocks(train, this.blockRows(train.X.rows));
    const recipe: ShardRecipe = { ...this.recipe, rows: train.X.rows, cols: train.X.cols };
    const runs = deal(blocks.length, this.#ports.length);
    this.#blocks = blocks.length;
    this.#weight = blocks.reduce((a, b) => a + b.weight, 0);
    this.#holding = runs.map((r, s) => ({ port: this.#ports[s], count: r.count })).filter((h) => h.count > 0);
    await Promise.all(runs.filter((r) => r.count > 0).map((r, s) => {
      const mine = blocks.slice(r.first, r.first + r.count);
      const transfer = mine.flatMap((b) => [b.X.data.buffer, ...buffers(b)]);
      return this.#holding[s].port.ask({ type: 'load', recipe, blocks: mine }, transfer as Transferable[]);
    }));
    this.#loadMs = performance.now() - t0;
  }

  /** The mean data loss and its gradient at x: the blocks' partials summed in block order, over the total weight. */
  async gradient(x: Float64Array): Promise<{ loss: number; gradient: Float64Array }> {
    const t0 = performance.now();
    const answers = await Promise.all(this.#holding.map((h) => h.port.ask({ type: 'gradient', x })));
    const width = x.length + 1;
    const sums = new Float64Array(width);
    let computeMs = 0;
    // Shards hold ascending runs of blocks: shard by shard, block by block, is block order.
    for (const a of answers) {
      if (a.type !== 'partials') fail('INTERNAL', `a shard answered '${a.type}' to a gradient`);
      computeMs = Math.max(computeMs, a.ms);
      for (let o = 0; o < a.partials.length; o += width) {
        for (let j = 0; j < width; j++) sums[j] += a.partials[o + j];
      }
    }
    const gradient = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) gradient[j] = sums[j + 1] / this.#weight;
    this.#gradientMs.push(performance.now() - t0);
    this.#computeMs.push(computeMs);
    return { loss: sums[0] / this.#weight, gradient };
  }

  /** What this fit's load and gradients cost. */
  get cost(): ExchangeCost {
    const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[v.length >> 1] : 0);
    return { shards: this.#holding.length, loadMs: this.#loadMs, gradients: this.#gradientMs.length, gradientMs: median(this.#gradientMs), computeMs: median(this.#computeMs) };
  }

  /** Blocks dealt by the last load. */
  get blocks(): number {
    return this.#blocks;
  }

  /** Asks every shard to free its blocks, then closes the ports; resolves with their engine memory. */
  async end(): Promise<(WorkerMemory | null)[]> {
    try {
      const answers = await Promise.all(this.#ports.map((p) => p.ask({ type: 'end' })));
      return answers.map((a) => (a.type === 'ended' ? a.memory : null));
    } finally {
      for (const p of this.#ports) p.close();
    }
  }
}

/** The buffers of a block's targets and weights, which its message moves. */
function buffers(b: ShardBlock): ArrayBufferLike[] {
  const t = 'classes' in b.targets ? b.targets.classes.buffer : b.targets.indicators.data.buffer;
  return b.sw ? [t, b.sw.buffer] : [t];
}
