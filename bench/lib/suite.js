// Pieces every suite repeats: the roofline row, the wasmlearn backends in order, the tfjs backends
// with their minimize-or-fit choice, and the rows of contenders that cannot do a workload.
import { isQuick, measure, runContender, log, gc } from './harness.js';
import { roofline, wasmlearnBackends, label, engineOn } from './wasmlearn.js';
import { TF_BACKENDS, tfLabel, useTfBackend, loadTf } from './tf.js';
import { tfNet, pickFaster } from './tfnet.js';
import { netLoss } from './reference.js';

/** Times the roofline read of X for a workload and stores it. */
/** Epochs (or iterations) of every "via fit()" row: a fit as users run it, reported per epoch beside the engine-level rows. */
export const FIT_EPOCHS = 10;

export async function measureRoofline(wl, X, budget = {}) {
  gc();
  const r = roofline(X);
  try {
    r.run();
    wl.roofline = { engine: r.engine, bytes: r.bytes, stats: await measure(r.run, isQuick() ? {} : budget) };
    log(`  ${'roofline (SIMD sum of X)'.padEnd(28)} ${wl.roofline.stats.medianMs.toFixed(3).padStart(10)} ms  (${(r.bytes / 1e6).toFixed(1)} MB)`);
  } finally {
    r.teardown();
  }
}

/**
 * Runs `make(backend)` as a wasmlearn contender on every backend this process has. Each row states
 * the threads it computes on: one (engineOn's default), unless make() says otherwise.
 */
export async function forEachWasmlearn(wl, make) {
  const { available } = await wasmlearnBackends();
  for (const backend of available) {
    await runContender(wl, { name: label(backend), family: 'wasmlearn', backend, level: 'engine', threads: engineOn(backend).threads, ...make(backend) });
  }
}

/** The options every "via fit()" row gives its estimator: one thread, the single-core baseline. */
export const FIT_THREADS = { nThreads: 1 };

/** A row for a contender that cannot do this workload, with the reason. */
export function notApplicable(wl, name, family, reason) {
  wl.contenders.push({ name, family, na: reason });
}

/**
 * The tfjs contenders of a training workload (A, B, D): per backend, both ways of training (see
 * tfnet.js) are measured once, the faster is kept and timed, and its loss after one epoch from
 * the shared initial parameters is reported. evalLayers(layers) -> { loss, accuracy }.
 */
export async function tfTraining(wl, spec, X, targets, layers0, evalLayers) {
  try {
    await loadTf();
  } catch (e) {
    for (const b of TF_BACKENDS) notApplicable(wl, tfLabel(b), 'tfjs', `could not load @tensorflow/tfjs: ${e.message}`);
    return;
  }
  for (const backend of TF_BACKENDS) {
    let net = null, picked = null, env = {};
    await runContender(wl, {
      name: tfLabel(backend), family: 'tfjs', backend,
      setup: async () => {
        env = await useTfBackend(backend);
        net = await tfNet(spec, X, targets, layers0);
        picked = await pickFaster(net.variants);
        return {
          run: () => picked.chosen.run(),
          info: () => ({
            note: picked.chosen.name === 'optimizer.minimize'
              ? 'batches pre-sliced once, in a fixed order (wasmlearn reshuffles every epoch)'
              : 'model.fit shuffles every epoch',
            variant: picked.chosen.name,
            variantTimes: picked.times,
            ...(backend === 'wasm' ? { tfWasm: env } : {}),
          }),
          teardown: () => net.dispose(),
        };
      },
      evaluate: () => evalLayers(picked.chosen.layers()),
    });
  }
}

export { netLoss };
