// The dependency rule (DESIGN.md, "The layers, bottom to top"): each layer of src/ imports only
// from the layers below it, and nothing imports in a cycle. `npm test` runs it before vitest:
//   depcruise src --config .dependency-cruiser.cjs
//
//   1. core        errors, matrix, labels, targets, rng, checks, prox, predictions, rows
//   2. engine      memory, kernels, trainers, resident data, the backends
//   3. objectives  a training problem over resident data
//   4. solvers     L-BFGS, gradient descent, schedules, stopping; they know no models
//   5. models, layers
//   6. data, metrics, persist, cli, index (on top)
//
// Type-only imports count (tsPreCompilationDeps): a type is a dependency of the design too.

/**
 * Everything on top of the models. Nothing below the models imports these (the per-layer rules
 * for core, engine, objectives and solvers already forbid it), and neither does src/layers.
 */
const TOP = '^src/(models/|data/|datasets/|plot/|cli/|cli[.]ts$|metrics[.]ts$|persist[.]ts$|index[.]ts$|lifecycle[.]ts$|node-relaunch[.]ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles anywhere in src/ (type-only imports included).',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that cannot be resolved would slip past the layer rules.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'core-imports-nothing-else',
      severity: 'error',
      comment: 'src/core is the bottom layer: it imports nothing else from src/.',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'engine-imports-only-core',
      severity: 'error',
      comment: 'src/engine imports only src/core (and itself).',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/(core|engine)/' },
    },
    {
      name: 'objectives-import-only-engine-core',
      severity: 'error',
      comment:
        'src/objectives imports only src/engine and src/core. A type the objectives and the ' +
        'solvers share (the Problem interface) belongs to the objectives.',
      from: { path: '^src/objectives/' },
      to: { path: '^src/', pathNot: '^src/(core|engine|objectives)/' },
    },
    {
      name: 'solvers-import-only-objectives-engine-core',
      severity: 'error',
      comment: 'src/solvers imports only src/objectives, src/engine, src/core: solvers know no models.',
      from: { path: '^src/solvers/' },
      to: { path: '^src/', pathNot: '^src/(core|engine|objectives|solvers)/' },
    },
    {
      name: 'layers-not-models-or-top',
      severity: 'error',
      comment:
        'src/layers (the user\'s own training loop) sits beside the models: it imports neither ' +
        'src/models nor anything on top (data, metrics, persist, cli, index).',
      from: { path: '^src/layers/' },
      to: { path: TOP },
    },
    {
      name: 'async-imports-only-core',
      severity: 'error',
      comment:
        'src/async (the worker pool, the messages, fitAsync\'s caller side) imports only src/core, ' +
        'so that the engine can later run its threads on the same pool. Only the worker entry and ' +
        'the shard it can serve as (message-passing threads) reach up to the models they train.',
      from: { path: '^src/async/', pathNot: '^src/async/(worker|shard)[.]ts$' },
      to: { path: '^src/', pathNot: '^src/(core|async)/' },
    },
    {
      name: 'worker-entry-not-imported',
      severity: 'error',
      comment: 'src/async/worker.ts is the workers\' entry, started by URL (spawn.ts); importing it would run it.',
      from: { path: '^src/' },
      to: { path: '^src/async/worker[.]ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.json'],
      // Packages resolved by their package.json "exports" (vega-lite has no "main"), as Node does.
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
