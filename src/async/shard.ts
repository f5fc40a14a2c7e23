// A shard of fitAsync's message-passing threads, in a worker started from the fit worker's own
// entry (worker.ts; one entry, so that bundlers see no cycle of workers): it keeps its run of row
// blocks resident, one objective per block built as the fit's own (the model's plan for the whole
// fit's shape and y), and answers each gradient request with the blocks' partial sums. The caller
// connects it to one fit worker at a time, over a MessagePort.
import { fail } from '../core/errors.js';
import { getEngine, init, type BackendName } from '../engine/index.js';
import type { Objective } from '../objectives/objective.js';
import { LogisticRegression } from '../models/logistic.js';
import { MLPClassifier } from '../models/mlp.js';
import { MultiLabelClassifier } from '../models/multilabel.js';
import { sendError, type WorkerMemory } from './protocol.js';
import type { FromShard, ShardBlock, ShardRecipe, ToShard } from './shard-protocol.js';

/** What the shard needs of an estimator. */
interface Sharded {
  shardObjectives(rows: number, cols: number, y: unknown): (engine: ReturnType<typeof getEngine>) => Objective;
}

const MODELS: Record<string, new (options: object) => Sharded> = {
  LogisticRegression: LogisticRegression as never,
  MLPClassifier: MLPClassifier as never,
  MultiLabelClassifier: MultiLabelClassifier as never,
};

/** The blocks of the fit this shard serves, each with its objective. */
class Held {
  #blocks: { objective: Objective; weight: number }[] = [];
  #memory: { engine: ReturnType<typeof getEngine>; before: number } | null = null;

  async load(recipe: ShardRecipe, blocks: ShardBlock[]): Promise<void> {
    const backend = recipe.options.backend as BackendName;
    // One thread here: the shards are the threads.
    await init({ backend, quiet: true, threads: 1 });
    const engine = getEngine(backend);
    this.#memory = { engine, before: engine.bytesInUse };
    const Model = MODELS[recipe.model] ?? fail('INTERNAL', `fitAsync has no shard for ${recipe.model}`);
    // Planned once (y encoded once), then one objective per block.
    const create = new Model(recipe.options).shardObjectives(recipe.rows, recipe.cols, recipe.y);
    for (const b of blocks) {
      const objective = create(engine);
      this.#blocks.push({ objective, weight: b.weight });
      objective.upload(b.X, b.targets, b.sw);
    }
  }

  /** Per block in order: weight * mean loss, then weight * gradient. */
  gradient(x: Float64Array): Float64Array {
    const width = x.length + 1;
    const out = new Float64Array(this.#blocks.length * width);
    this.#blocks.forEach(({ objective, weight }, b) => {
      objective.setParameters(x);
      const { loss, gradient } = objective.dataLossAndGradient();
      out[b * width] = loss * weight;
      for (let j = 0; j < x.length; j++) out[b * width + 1 + j] = gradient[j] * weight;
    });
    return out;
  }

  /** Frees every block; the engine bytes in use before the load and now. */
  end(): WorkerMemory | null {
    for (const { objective } of this.#blocks) objective.dispose();
    this.#blocks = [];
    const m = this.#memory;
    this.#memory = null;
    return m && { before: m.before, after: m.engine.bytesInUse };
  }
}

/** Serves one fit worker on `port`, one request at a time, in order (a load awaits init). */
export function serveShard(port: MessagePort): void {
  const held = new Held();
  const answer = (m: FromShard, transfer: Transferable[] = []) => port.postMessage(m, transfer);
  let queue = Promise.resolve();
  port.onmessage = (e: MessageEvent<ToShard>) => {
    queue = queue.then(() => serve(held, e.data, answer, port));
  };
}

async function serve(held: Held, m: ToShard, answer: (m: FromShard, transfer?: Transferable[]) => void, port: MessagePort): Promise<void> {
  try {
    if (m.type === 'load') {
      await held.load(m.recipe, m.blocks);
      answer({ type: 'loaded' });
    } else if (m.type === 'gradient') {
      const t0 = performance.now();
      const partials = held.gradient(m.x);
      answer({ type: 'partials', partials, ms: performance.now() - t0 }, [partials.buffer]);
    } else {
      answer({ type: 'ended', memory: held.end() });
      port.close();
    }
  } catch (error) {
    held.end();
    answer({ type: 'error', error: sendError(error) });
  }
}
