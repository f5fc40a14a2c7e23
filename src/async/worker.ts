// The workers' one entry. A fit worker: for each 'fit' message, the estimator's own fit on this
// thread's engine (the backend the caller resolved), then the fitted parameters and the solver's
// record back. A shard worker (shard.ts), when the first message says 'shard'. Started by
// spawn.ts: as a module Web Worker (Deno, Bun, browsers) or by worker_threads (Node).
// With shard ports (message-passing threads), a full-batch fit takes its gradients from the
// shards, which hold the rows, and this worker steers the solver, validation and callbacks.
import { fail, WasmlearnError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { getEngine, init, type BackendName, type InitOptions } from '../engine/index.js';
import { blockRows } from '../engine/threads/team.js';
import { LogisticRegression } from '../models/logistic.js';
import { MLPClassifier } from '../models/mlp.js';
import { MultiLabelClassifier } from '../models/multilabel.js';
import { ABORT, ANSWER, PENDING, STOP, sendError, type ExchangeCost, type FitJob, type FitRequest, type FromWorker, type JobThreads, type WorkerMemory } from './protocol.js';
import { serveShard } from './shard.js';
import type { ToShardWorker } from './shard-protocol.js';
import { Shards, type GradientShards } from './shards.js';

type Post = (m: FromWorker, transfer?: Transferable[]) => void;

/** What the worker needs of an estimator. */
interface Trainable {
  fit(X: Matrix, y: unknown, options: object): unknown;
  fitSharded(X: Matrix, y: unknown, options: object, shards: GradientShards): Promise<unknown>;
  fittedRecord(): { parameters: Float64Array; solved: unknown };
  dispose(): void;
}

const MODELS: Record<string, { new (options: object): Trainable; fromJSON(obj: unknown, o: { backend: BackendName }): Trainable }> = {
  LogisticRegression: LogisticRegression as never,
  MLPClassifier: MLPClassifier as never,
  MultiLabelClassifier: MultiLabelClassifier as never,
};

/**
 * init's threads here: the caller's shared-memory pool size; one thread otherwise (with message
 * passing, the shard workers are the threads).
 */
function threadsOf(t: JobThreads): Pick<InitOptions, 'threads' | 'threadsMode'> {
  return t.mode === 'shared' ? { threads: t.count, threadsMode: 'shared' } : { threads: 1 };
}

async function run({ job, control, shards }: FitRequest, post: Post): Promise<void> {
  let memory: WorkerMemory | null = null;
  try {
    const backend = job.options.backend as BackendName;
    await init({ backend, quiet: true, ...threadsOf(job.threads) });
    const engine = getEngine(backend);
    const before = engine.bytesInUse;
    const Model = MODELS[job.model] ?? fail('INTERNAL', `fitAsync has no worker for ${job.model}`);
    const model = job.warm ? Model.fromJSON(job.warm, { backend }) : new Model(job.options);
    try {
      const options = { ...job.fitOptions, ...callbacks(job, control, post) };
      let exchange: ExchangeCost | null = null;
      if (shards.length > 0) exchange = await fitSharded(model, job, options, shards, control);
      else model.fit(job.X, job.y, options);
      const { parameters, solved } = model.fittedRecord();
      model.dispose();
      post({ type: 'done', parameters, solved, memory: { before, after: engine.bytesInUse }, exchange }, [parameters.buffer]);
    } catch (e) {
      model.dispose();
      memory = { before, after: engine.bytesInUse };
      throw e;
    }
  } catch (e) {
    post({ type: 'error', error: sendError(e), memory });
  }
}

/**
 * The fit on the shards: each gradient first checks the caller's abort flag; the shards free
 * their rows before the result (or the error) goes back. Resolves with what the exchange cost.
 */
async function fitSharded(model: Trainable, job: FitJob, options: object, ports: MessagePort[], control: Int32Array | null): Promise<ExchangeCost> {
  const shards = new Shards(ports, { model: job.model, options: job.options, y: job.y }, blockRows);
  try {
    await model.fitSharded(job.X, job.y, options, {
      load: (train) => shards.load(train),
      gradient: (x) => {
        abortRequested(control);
        return shards.gradient(x);
      },
    });
    return shards.cost;
  } finally {
    await shards.end();
  }
}

function abortRequested(control: Int32Array | null): void {
  if (control && Atomics.load(control, ABORT) !== 0) throw new WasmlearnError('ABORTED', 'fitAsync was aborted');
}

/**
 * The fit's callbacks here: each epoch checks the caller's abort flag; with the caller's
 * onEpochEnd it posts the log and waits for the answer; with onBatchEnd it posts each batch's log.
 */
function callbacks(job: FitJob, control: Int32Array | null, post: Post): object {
  const onEpochEnd = (log: unknown): boolean => {
    abortRequested(control);
    if (!job.onEpochEnd) return true;
    post({ type: 'epoch', log });
    if (!control) return true;
    Atomics.wait(control, ANSWER, PENDING);
    const answer = Atomics.exchange(control, ANSWER, PENDING);
    abortRequested(control);
    return answer !== STOP;
  };
  const onBatchEnd = (log: unknown): void => {
    post({ type: 'batch', log });
    abortRequested(control);
  };
  return job.onBatchEnd ? { onEpochEnd, onBatchEnd } : { onEpochEnd };
}

const WORKER_THREADS = 'node:worker_threads';

/** A fit request, or a shard's handshake and connections. */
function receive(m: FitRequest | ToShardWorker, post: Post): void {
  if (m.type === 'fit') void run(m, post);
  else if (m.type === 'shard') post({ type: 'ready' });
  else serveShard(m.port);
}

if (typeof globalThis.postMessage === 'function') {
  const post: Post = (m, transfer = []) => globalThis.postMessage(m, { transfer });
  globalThis.addEventListener('message', (e) => receive((e as MessageEvent<FitRequest | ToShardWorker>).data, post));
} else {
  // No top-level await: bundlers then need no option for it. Node queues messages until the listener is on.
  void (import(/* webpackIgnore: true */ /* @vite-ignore */ WORKER_THREADS) as Promise<typeof import('node:worker_threads')>).then(({ parentPort }) => {
    const post: Post = (m, transfer = []) => parentPort!.postMessage(m, transfer as never);
    parentPort!.on('message', (m: FitRequest | ToShardWorker) => receive(m, post));
  });
}
