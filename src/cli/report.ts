// The test metrics `wasmlearn train` prints.
import type { Label } from '../core/labels.js';
import type { Matrix } from '../core/matrix.js';
import { accuracy, classificationReport, confusionMatrix, logLoss } from '../metrics.js';
import { formatConfusion } from './format.js';

type Out = (line: string) => void;

/** Accuracy, log-loss, scikit-learn's classification report and the confusion matrix. */
export function reportLabels(out: Out, yTest: Label[], pred: Label[], proba: Matrix, classes: Label[]): void {
  const cm = confusionMatrix(yTest, pred, { labels: classes });
  out(`test accuracy  ${accuracy(yTest, pred).toFixed(4)}`);
  out(`test log-loss  ${logLoss(yTest, proba, { labels: classes }).toFixed(4)}`);
  out('');
  out(classificationReport(yTest, pred, { labels: classes }).trimEnd());
  out('');
  out('confusion matrix (a row per true class)');
  out(formatConfusion(cm.labels, cm.matrix));
}

/** Multi-label: the share of rows with every label right, then accuracy and log-loss per output. */
export function reportIndicators(out: Out, yTest: Matrix, pred: Matrix, proba: Matrix, names: string[]): void {
  out(`test accuracy  ${accuracy(yTest, pred).toFixed(4)}  (rows with every label right)`);
  out('');
  const width = Math.max(6, ...names.map((n) => n.length));
  out(`${'output'.padEnd(width)}  accuracy  log-loss  positives`);
  names.forEach((name, k) => {
    const col = (m: Matrix) => Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + k]);
    const truth = col(yTest);
    const positives = truth.filter((v) => v === 1).length;
    const loss = positives === 0 || positives === truth.length ? NaN : logLoss(truth, col(proba), { labels: [0, 1] });
    out(`${name.padEnd(width)}  ${accuracy(truth, col(pred)).toFixed(4).padStart(8)}  ${loss.toFixed(4).padStart(8)}  ${positives}/${truth.length}`);
  });
}
