// The page: reads the form, trains one model per lane (two when racing) with fitAsync, which runs
// each fit in wasmlearn's own worker, and draws the epochs as they come. Nothing heavy runs here,
// so the page answers while models train.
import { init, type BackendName, type EpochLog, type InitInfo, type WasmlearnError } from 'wasmlearn';
import { COLORS, drawBoundary, drawLoss, drawMessage, type Series } from './plots.js';
import { train as trainLane, type DataSummary, type DatasetSpec, type ModelSpec, type TrainResult } from './training.js';

const $ = <T extends HTMLElement>(selector: string, root: ParentNode = document): T => root.querySelector<T>(selector)!;
const value = (id: string) => $<HTMLInputElement>(`#${id}`).value;
const checked = (id: string) => $<HTMLInputElement>(`#${id}`).checked;

const NOISE: Record<string, number> = { moons: 0.2, circles: 0.1, blobs: 0.2 };
/** Each model's solvers (the first is its default) and learning rate. */
const SOLVERS: Record<string, { solvers: string[]; lr: number }> = {
  logistic: { solvers: ['lbfgs', 'gd', 'sgd'], lr: 0.1 },
  mlp: { solvers: ['adam', 'sgd', 'lbfgs'], lr: 0.01 },
};

/** Epoch counts and times are written to the lane at most this often. */
const SHOW_EVERY_MS = 40;

/** init() on the page: the default backend, and each backend a lane picks by name, loaded on demand. */
const ready = init();

class Lane {
  readonly el: HTMLElement;
  readonly series: Series;
  busy = false;
  private data: DataSummary | null = null;
  private epochMs = 0;
  private lastShown = 0;
  private run: AbortController | null = null;

  constructor(index: number, private readonly changed: () => void) {
    const tpl = $<HTMLTemplateElement>('#lane').content.firstElementChild!;
    this.el = tpl.cloneNode(true) as HTMLElement;
    this.el.id = `lane-${index}`;
    $('#lanes').append(this.el);
    this.series = { name: '', color: COLORS[index]!, losses: [], times: [] };
    $('.badge', this.el).style.background = this.series.color;
  }

  /** Clears the lane and trains; Stop aborts the fit. */
  async start(dataset: DatasetSpec, model: ModelSpec, pick: 'auto' | BackendName): Promise<void> {
    const run = (this.run = new AbortController());
    this.busy = true;
    this.data = null;
    this.epochMs = 0;
    this.series.losses = [];
    this.series.times = [];
    this.el.hidden = false;
    drawMessage($('.boundary', this.el), ['reading the data…']);
    this.el.dataset.state = 'training';
    this.show({ badge: '…', state: 'training…', accuracy: '–', logloss: '–', epochs: '0', 'per-epoch': '–', fit: '–', data: '–' });
    try {
      const info = await ready;
      const backend = pick === 'auto' ? info.backend : pick;
      // A browser fetches only the build init() picks: a backend chosen by name is loaded on demand.
      if (!info.available.includes(backend)) await init({ backend });
      this.series.name = backend;
      this.show({ badge: backend });
      const result = await trainLane(dataset, model, backend, { onData: (d) => this.showData(d), onEpochEnd: (log) => this.epoch(log), signal: run.signal });
      if (this.run === run) this.done(result);
    } catch (e) {
      if (this.run !== run || (e as WasmlearnError).code === 'ABORTED') return;
      if (!this.data) drawMessage($('.boundary', this.el), ['Nothing to draw: the run failed', '(the message is above).']);
      this.finish('error', (e as Error).message);
    }
  }

  stop(): void {
    if (!this.busy) return;
    this.run?.abort();
    this.run = null;
    this.finish('stopped', 'stopped');
  }

  private showData(d: DataSummary): void {
    this.data = d;
    this.show({ data: `${d.rows.toLocaleString('en')} rows × ${d.features} columns: ${d.nTrain.toLocaleString('en')} to train, ${d.nTest.toLocaleString('en')} to test` });
    if (d.bounds) drawBoundary($('.boundary', this.el), null, d.points, d.labels, d.bounds);
    else drawMessage($('.boundary', this.el), ['No decision boundary to draw:', `the data has ${d.features} feature columns,`, 'and only 2-D data can be drawn.', 'The metrics on the right still apply.']);
  }

  private epoch(log: EpochLog): void {
    this.series.losses.push(log.loss);
    this.epochMs += log.ms;
    this.series.times.push(this.epochMs);
    if (performance.now() - this.lastShown > SHOW_EVERY_MS) this.showEpochs();
    this.changed();
  }

  private showEpochs(): void {
    const n = this.series.losses.length;
    this.lastShown = performance.now();
    if (n > 0) this.show({ epochs: String(n), 'per-epoch': `${(this.epochMs / n).toFixed(2)} ms` });
  }

  private done(m: TrainResult): void {
    this.showEpochs();
    this.show({
      accuracy: m.accuracy.toFixed(4), logloss: m.logLoss.toFixed(4), epochs: String(m.epochs),
      'per-epoch': `${(this.epochMs / Math.max(1, m.epochs)).toFixed(2)} ms`, fit: `${m.fitMs.toFixed(0)} ms`,
    });
    $('.state', this.el).title = m.stopReason;
    const d = this.data;
    if (d?.bounds) drawBoundary($('.boundary', this.el), m.grid, d.points, d.labels, d.bounds);
    this.finish('done', 'done');
  }

  private finish(state: string, text: string): void {
    this.busy = false;
    this.el.dataset.state = state;
    this.show({ state: text });
    this.changed();
  }

  private show(fields: Record<string, string>): void {
    for (const [cls, text] of Object.entries(fields)) $(`.${cls}`, this.el).textContent = text;
  }
}

const lanes: Lane[] = [];
let drawPending = false;

/** Redraws the loss chart at most once per frame, however many epoch messages arrive. */
function changed(): void {
  const training = lanes.some((l) => l.busy);
  $<HTMLButtonElement>('#train').disabled = training;
  $<HTMLButtonElement>('#stop').disabled = !training;
  if (!training) $('#status').textContent = 'done';
  scheduleDraw();
}

function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    drawLoss($('#loss'), lanes.filter((l) => !l.el.hidden).map((l) => l.series), { log: checked('loss-log'), x: value('loss-x') as 'epoch' | 'time' });
  });
}

function lane(i: number): Lane {
  return (lanes[i] ??= new Lane(i, changed));
}

function dataset(): DatasetSpec {
  const kind = value('dataset');
  if (kind === 'csv') {
    const file = $<HTMLInputElement>('#csv-file').files?.[0];
    if (!file) throw new Error('choose a CSV file first');
    return { kind, file, target: value('csv-target') };
  }
  return { kind: kind as 'moons', n: Number(value('samples')), noise: Number(value('noise')), seed: 1 };
}

function model(): ModelSpec {
  const kind = value('model') as ModelSpec['model'];
  const hidden = value('hidden').split(',').map(Number);
  if (kind === 'mlp' && !hidden.every((h) => Number.isInteger(h) && h > 0)) throw new Error('hidden layers: widths separated by commas, e.g. 16,16');
  return {
    model: kind, solver: value('solver'), maxIter: Number(value('epochs')),
    learningRate: Number(value('lr')), batchSize: Number(value('batch')),
    degree: kind === 'logistic' && checked('poly') ? Number(value('degree')) : 1,
    hidden, activation: value('activation') as ModelSpec['activation'], allEpochs: checked('all-epochs'), seed: 0,
    nThreads: value('threads') === 'auto' ? 'auto' : Number(value('threads')),
  };
}

async function train(): Promise<void> {
  const picks = [value('backend'), ...(checked('race') ? [value('backend2')] : [])] as ('auto' | BackendName)[];
  const data = dataset();
  const spec = model();
  lanes.forEach((l, i) => (l.el.hidden = i >= picks.length));
  // Racing the same model, the curves against epochs coincide: against time the faster one leads.
  $<HTMLSelectElement>('#loss-x').value = picks.length > 1 ? 'time' : 'epoch';
  $('#status').textContent = 'training…';
  const started = picks.map((backend, i) => lane(i).start(data, spec, backend));
  changed();
  await Promise.all(started);
}

function showDatasetFields(): void {
  const csv = value('dataset') === 'csv';
  document.querySelectorAll<HTMLElement>('[data-for]').forEach((el) => el.classList.toggle('hidden', (el.dataset.for === 'csv') !== csv));
  if (!csv) $<HTMLInputElement>('#noise').value = String(NOISE[value('dataset')]);
}

function showModelFields(): void {
  const kind = value('model');
  document.querySelectorAll<HTMLElement>('[data-model]').forEach((el) => el.classList.toggle('hidden', el.dataset.model !== kind));
  const solver = $<HTMLSelectElement>('#solver');
  solver.replaceChildren(...SOLVERS[kind]!.solvers.map((s) => new Option(s, s)));
  $<HTMLInputElement>('#lr').value = String(SOLVERS[kind]!.lr);
  showSolverFields();
}

/** Fields that do not apply to the chosen model, solver or mode are disabled (and say why). */
function showSolverFields(): void {
  const kind = value('model');
  const solver = value('solver');
  const set = (id: string, off: boolean, why: string) => {
    const el = $<HTMLInputElement | HTMLSelectElement>(`#${id}`);
    el.disabled = off;
    el.title = off ? why : '';
    el.closest('label')?.classList.toggle('off', off);
  };
  set('lr', solver === 'lbfgs', 'lbfgs picks its own step sizes');
  set('batch', solver === 'lbfgs' || (kind === 'logistic' && solver === 'gd'), `${solver} uses every row in each step`);
  set('degree', kind !== 'logistic' || !checked('poly'), 'tick polynomial features first');
  set('backend2', !checked('race'), "tick 'race against' first");
  set('hidden', kind !== 'mlp', 'an option of the neural network');
  set('activation', kind !== 'mlp', 'an option of the neural network');
  set('poly', kind !== 'logistic', 'an option of logistic regression');
}

async function setup(): Promise<void> {
  showDatasetFields();
  showModelFields();
  $('#dataset').addEventListener('change', showDatasetFields);
  $('#model').addEventListener('change', showModelFields);
  for (const id of ['#solver', '#poly', '#race']) $(id).addEventListener('change', showSolverFields);
  for (const id of ['#loss-log', '#loss-x']) $(id).addEventListener('change', scheduleDraw);
  addEventListener('resize', scheduleDraw);
  scheduleDraw();
  lane(0);
  const info: InitInfo = await ready;
  for (const select of [$<HTMLSelectElement>('#backend'), $<HTMLSelectElement>('#backend2')]) {
    for (const name of ['wasm-relaxed', 'wasm-simd', 'wasm-scalar', 'js'] as BackendName[]) {
      const why = info.unavailable[name];
      select.add(new Option(why ? `${name} (unavailable)` : name, name));
      if (why) Object.assign(select.options[select.options.length - 1]!, { disabled: true, title: why });
    }
  }
  $<HTMLSelectElement>('#backend2').value = 'js';
  // Threads: up to init's count; the title says the mode, or why there are none.
  const threads = $<HTMLSelectElement>('#threads');
  for (let n = 1; n <= info.threads.count; n *= 2) threads.add(new Option(String(n), String(n)));
  const why = Object.values(info.threads.unavailable).filter(Boolean).join('; ');
  threads.title = info.threads.mode === 'none' ? `one thread: ${why}` : `${info.threads.count} threads, ${info.threads.mode === 'shared' ? 'shared memory' : 'message passing (lbfgs and gd only)'}`;
  $('#controls').addEventListener('submit', (e) => {
    e.preventDefault();
    train().catch((err: Error) => ($('#status').textContent = err.message));
  });
  $('#stop').addEventListener('click', () => lanes.forEach((l) => l.stop()));
  $<HTMLButtonElement>('#train').disabled = false;
  $('#status').textContent = `ready: auto picks ${info.backend}, ${info.threads.count} thread${info.threads.count > 1 ? `s (${info.threads.mode === 'shared' ? 'shared memory' : 'message passing'})` : ''}`;
}

setup();
