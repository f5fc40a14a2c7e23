// wasmlearn/datasets: the UCI datasets shipped in the package's datasets/ folder (CC BY 4.0; see
// datasets/README.md), loaded as scikit-learn's load_* functions load theirs. Async, because a
// browser fetches the file; a separate entry, so it costs nothing to those who do not import it.
import { fail } from '../core/errors.js';
import { nodeFsPromises } from '../core/node-fs.js';
import type { Matrix } from '../core/matrix.js';

/** A dataset as scikit-learn's load_* functions return it (its Bunch, camelCased). */
export interface Dataset<L extends number | string = number> {
  /** Rows x features, float64; missing values are NaN. */
  X: Matrix;
  /** One label per row. */
  y: L[];
  /** One name per column of X. */
  featureNames: string[];
  /** The classes, in label order (y indexes into it for numeric labels). */
  targetNames: string[];
  /** The source, citation, licence and size, in one line. */
  description: string;
}

/** A dataset that comes with its own train/test split. */
export interface SplitDataset<L extends number | string = number> extends Dataset<L> {
  /** The split the data comes with (its X and y are both parts, train first). */
  train: {
    /** The training rows. */
    X: Matrix;
    /** Their labels. */
    y: L[];
  };
  /** The test part of the split. */
  test: {
    /** The test rows. */
    X: Matrix;
    /** Their labels. */
    y: L[];
  };
}

/**
 * One static literal per file, because bundlers (Vite, webpack, Parcel) only copy the file of a
 * `new URL('literal', import.meta.url)`. From src/datasets and dist/datasets alike, ../../datasets
 * is the package's datasets/ folder.
 */
const FILES = {
  breastCancer: () => new URL('../../datasets/breast-cancer-wisconsin.data', import.meta.url),
  digitsTrain: () => new URL('../../datasets/optdigits.tra', import.meta.url),
  digitsTest: () => new URL('../../datasets/optdigits.tes', import.meta.url),
  letters: () => new URL('../../datasets/letter-recognition.data', import.meta.url),
};

/** Vite's dev server pre-bundles this module into node_modules/.vite/deps/: the files stay in node_modules/wasmlearn/datasets/. */
function located(url: URL): URL {
  const here = import.meta.url;
  if (!here.includes('/node_modules/.vite/deps/')) return url;
  return new URL(`../../wasmlearn/datasets/${url.pathname.slice(url.pathname.lastIndexOf('/') + 1)}`, here);
}

async function readText(found: URL): Promise<string> {
  const url = located(found);
  try {
    if (url.protocol === 'file:') {
      const { readFile } = await nodeFsPromises();
      return await readFile(url, 'utf8');
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url.href} answered ${response.status}`);
    return await response.text();
  } catch (e) {
    return fail('UNSUPPORTED', `could not read the dataset ${url.href}: ${(e as Error).message}`);
  }
}

/** Comma-separated rows of numbers ('?' is missing: NaN), with the label column taken out. */
function parseRows<L>(text: string, labelColumn: 'first' | 'last', label: (field: string) => L): { X: Matrix; y: L[] } {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const width = lines[0].split(',').length - 1;
  const data = new Float64Array(lines.length * width);
  const y: L[] = [];
  lines.forEach((line, i) => {
    const fields = line.split(',');
    if (fields.length !== width + 1) fail('PARSE_ERROR', `dataset line ${i + 1} has ${fields.length} fields, not ${width + 1}`);
    const features = labelColumn === 'first' ? fields.slice(1) : fields.slice(0, width);
    features.forEach((f, j) => (data[i * width + j] = f === '?' ? NaN : Number(f)));
    y.push(label(labelColumn === 'first' ? fields[0] : fields[width]));
  });
  return { X: { data, rows: lines.length, cols: width }, y };
}

function concat<L>(a: { X: Matrix; y: L[] }, b: { X: Matrix; y: L[] }): { X: Matrix; y: L[] } {
  const data = new Float64Array(a.X.data.length + b.X.data.length);
  data.set(a.X.data);
  data.set(b.X.data, a.X.data.length);
  return { X: { data, rows: a.X.rows + b.X.rows, cols: a.X.cols }, y: [...a.y, ...b.y] };
}

/**
 * The original Wisconsin breast cancer data (Wolberg, 1992): 699 rows, 9 cytology features scored
 * 1..10, 16 missing values (NaN) in Bare Nuclei; y 0 for benign (458), 1 for malignant (241).
 * Impute before fitting (SimpleImputer).
 */
export async function loadBreastCancer(): Promise<Dataset> {
  const { X, y } = parseRows(await readText(FILES.breastCancer()), 'last', (f) => (f === '4' ? 1 : 0));
  // The first column is a sample id, not a feature.
  const data = new Float64Array(X.rows * 9);
  for (let i = 0; i < X.rows; i++) data.set(X.data.subarray(i * X.cols + 1, (i + 1) * X.cols), i * 9);
  return {
    X: { data, rows: X.rows, cols: 9 }, y,
    featureNames: ['Clump Thickness', 'Uniformity of Cell Size', 'Uniformity of Cell Shape', 'Marginal Adhesion', 'Single Epithelial Cell Size', 'Bare Nuclei', 'Bland Chromatin', 'Normal Nucleoli', 'Mitoses'],
    targetNames: ['benign', 'malignant'],
    description: 'Breast Cancer Wisconsin (Original), W. H. Wolberg, 1992; UCI Machine Learning Repository, CC BY 4.0. 699 fine-needle aspirates, 9 features scored 1-10, 16 missing values in Bare Nuclei.',
  };
}

/**
 * Optical recognition of handwritten digits (Alpaydin and Kaynak, 1998): 8 x 8 counts 0..16 of
 * 32 x 32 bitmaps, y the digit; the train (3,823 rows) and test (1,797) split it comes with.
 */
export async function loadDigits(): Promise<SplitDataset> {
  const [tra, tes] = await Promise.all([readText(FILES.digitsTrain()), readText(FILES.digitsTest())]);
  const train = parseRows(tra, 'last', Number), test = parseRows(tes, 'last', Number);
  return {
    ...concat(train, test), train, test,
    featureNames: Array.from({ length: 64 }, (_, k) => `pixel_${k >> 3}_${k & 7}`),
    targetNames: Array.from({ length: 10 }, (_, k) => String(k)),
    description: 'Optical Recognition of Handwritten Digits, E. Alpaydin and C. Kaynak, 1998; UCI Machine Learning Repository, CC BY 4.0. 5,620 digits as 8x8 counts 0-16, split 3,823 train / 1,797 test.',
  };
}

/**
 * Letter recognition (Slate, 1991): 16 integer statistics 0..15 of a letter image, y the capital
 * letter; the usual split, the first 16,000 rows for training and the last 4,000 for testing.
 */
export async function loadLetters(): Promise<SplitDataset<string>> {
  const all = parseRows(await readText(FILES.letters()), 'first', (f) => f);
  const part = (from: number, to: number) => ({ X: { data: all.X.data.slice(from * 16, to * 16), rows: to - from, cols: 16 }, y: all.y.slice(from, to) });
  return {
    ...all, train: part(0, 16_000), test: part(16_000, 20_000),
    featureNames: ['x-box', 'y-box', 'width', 'high', 'onpix', 'x-bar', 'y-bar', 'x2bar', 'y2bar', 'xybar', 'x2ybr', 'xy2br', 'x-ege', 'xegvy', 'y-ege', 'yegvx'],
    targetNames: Array.from({ length: 26 }, (_, k) => String.fromCharCode(65 + k)),
    description: 'Letter Recognition, D. J. Slate, 1991; UCI Machine Learning Repository, CC BY 4.0. 20,000 letter images as 16 integer features 0-15, 26 classes; first 16,000 rows train, last 4,000 test.',
  };
}
