// The page: reads the form, hands the training to one worker per lane (two when racing), and
// draws what they report. Nothing heavy runs here, so the page answers while models train.
import type { BackendName, InitInfo } from 'wasmlearn';
import { COLORS, drawBoundary, drawLoss, drawMessage, type Series } from './plots.js';
import type { DataSummary, DatasetSpec, FromWorker, ModelSpec, TrainRequest } from './protocol.js';

const $ = <T extends HTMLElement>(selector: string, root: ParentNode = document): T => root.querySelector<T>(selector)!;
const value = (id: string) => $<HTMLInputElement>(`#${id}`).value;
const checked = (id: string) => $<HTMLInputElement>(`#${id}`).checked;

const NOISE: Record<string, number> = { moons: 0.2, circles: 0.1, blobs: 0.2 };
/** Each model's solvers (the first is its default) and learning rate. */
const SOLVERS: Record<string, { solvers: string[]; lr: number }> = {
  logistic: { solvers: ['lbfgs', 'gd', 'sgd'], lr: 0.1 },
  mlp: { solvers: ['adam', 'sgd', 'lbfgs'], lr: 0.01 },
};

class Lane {
  readonly el: HTMLElement;
  readonly series: Series;
  worker!: Worker;
  ready!: Promise<InitInfo>;
  busy = false;
  private data: DataSummary | null = null;
  private epochMs = 0;

  constructor(index: number, private readonly changed: () => void) {
    const tpl = $<HTMLTemplateElement>('#lane').content.firstElementChild!;
    this.el = tpl.cloneNode(true) as HTMLElement;
    this.el.id = `lane-${index}`;
    $('#lanes').append(this.el);
    this.series = { name: '', color: COLORS[index]!, losses: [], times: [] };
    $('.badge', this.el).style.background = this.series.color;
    this.spawn();
  }

  /** A fresh worker; Stop ends the old one mid-fit, since a busy worker reads no messages. */
  spawn(): void {
    this.worker?.terminate();
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.ready = new Promise((resolve) => {
      this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
        if (e.data.type === 'ready') resolve(e.data);
        else this.receive(e.data);
      };
    });
  }

  /** Clears the lane and sends the request once the worker is ready. */
  async start(req: TrainRequest): Promise<void> {
    this.busy = true;
    this.data = null;
    this.epochMs = 0;
    this.series.losses = [];
    this.series.times = [];
    this.el.hidden = false;
    drawMessage($('.boundary', this.el), ['reading the data…']);
    this.el.dataset.state = 'training';
    this.show({ badge: '…', state: 'training…', accuracy: '–', logloss: '–', epochs: '0', 'per-epoch': '–', fit: '–', data: '–' });
    const info = await this.ready;
    this.series.name = req.backend === 'auto' ? info.backend : req.backend;
    this.show({ badge: this.series.name });
    this.worker.postMessage(req);
  }

  stop(): void {
    if (!this.busy) return;
    this.spawn();
    this.finish('stopped', 'stopped');
  }

  private receive(m: FromWorker): void {
    if (m.type === 'data') {
      this.data = m;
      this.show({ data: `${m.rows.toLocaleString('en')} rows × ${m.features} columns: ${m.nTrain.toLocaleString('en')} to train, ${m.nTest.toLocaleString('en')} to test` });
      if (m.bounds) drawBoundary($('.boundary', this.el), null, m.points, m.labels, m.bounds);
      else drawMessage($('.boundary', this.el), ['No decision boundary to draw:', `the data has ${m.features} feature columns,`, 'and only 2-D data can be drawn.', 'The metrics on the right still apply.']);
    } else if (m.type === 'epochs') {
      for (const p of m.points) {
        this.series.losses.push(p.loss);
        this.epochMs += p.ms;
        this.series.times.push(this.epochMs);
      }
      const n = this.series.losses.length;
      this.show({ epochs: String(n), 'per-epoch': `${(this.epochMs / n).toFixed(2)} ms` });
      this.changed();
    } else if (m.type === 'done') {
      this.show({
        accuracy: m.accuracy.toFixed(4), logloss: m.logLoss.toFixed(4), epochs: String(m.epochs),
        'per-epoch': `${m.msPerEpoch.toFixed(2)} ms`, fit: `${m.fitMs.toFixed(0)} ms`,
      });
      $('.state', this.el).title = m.stopReason;
      const d = this.data;
      if (d?.bounds) drawBoundary($('.boundary', this.el), m.grid, d.points, d.labels, d.bounds);
      this.finish('done', 'done');
    } else if (m.type === 'error') {
      if (!this.data) drawMessage($('.boundary', this.el), ['Nothing to draw: the run failed', '(the message is above).']);
      this.finish('error', m.message);
    }
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
  };
}

async function train(): Promise<void> {
  const picks = [value('backend'), ...(checked('race') ? [value('backend2')] : [])] as ('auto' | BackendName)[];
  const req = { type: 'train' as const, dataset: dataset(), model: model() };
  lanes.forEach((l, i) => (l.el.hidden = i >= picks.length));
  // Racing the same model, the curves against epochs coincide: against time the faster one leads.
  $<HTMLSelectElement>('#loss-x').value = picks.length > 1 ? 'time' : 'epoch';
  $('#status').textContent = 'training…';
  const started = picks.map((backend, i) => lane(i).start({ ...req, backend }));
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
  const info = await lane(0).ready;
  for (const select of [$<HTMLSelectElement>('#backend'), $<HTMLSelectElement>('#backend2')]) {
    for (const name of ['wasm-relaxed', 'wasm-simd', 'wasm-scalar', 'js'] as BackendName[]) {
      const why = info.unavailable[name];
      select.add(new Option(why ? `${name} (unavailable)` : name, name));
      if (why) Object.assign(select.options[select.options.length - 1]!, { disabled: true, title: why });
    }
  }
  $<HTMLSelectElement>('#backend2').value = 'js';
  $('#controls').addEventListener('submit', (e) => {
    e.preventDefault();
    train().catch((err: Error) => ($('#status').textContent = err.message));
  });
  $('#stop').addEventListener('click', () => lanes.forEach((l) => l.stop()));
  $<HTMLButtonElement>('#train').disabled = false;
  $('#status').textContent = `ready: auto picks ${info.backend}`;
}

setup();
