// wasmlearn/datasets against the facts of the files it ships (datasets/README.md).
import { describe, expect, it } from 'vitest';
import { loadBreastCancer, loadDigits, loadLetters } from '../src/datasets/index.js';

describe('wasmlearn/datasets', () => {
  it('loadBreastCancer: 699 rows, 9 features, 16 missing Bare Nuclei as NaN, 458 benign and 241 malignant', async () => {
    const d = await loadBreastCancer();
    expect([d.X.rows, d.X.cols]).toEqual([699, 9]);
    const missing = Array.from(d.X.data.entries()).filter(([, v]) => Number.isNaN(v)).map(([k]) => k % 9);
    expect(missing).toEqual(new Array(16).fill(5));
    expect(d.featureNames[5]).toBe('Bare Nuclei');
    expect([d.y.filter((v) => v === 0).length, d.y.filter((v) => v === 1).length]).toEqual([458, 241]);
    const known = Array.from({ length: 699 }, (_, i) => d.X.data[i * 9 + 5]).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    expect(known).toHaveLength(683);
    expect(known[341]).toBe(1);
    // The first row of the file: 1000025,5,1,1,1,2,1,3,1,1,2 (the id dropped).
    expect(Array.from(d.X.data.subarray(0, 9))).toEqual([5, 1, 1, 1, 2, 1, 3, 1, 1]);
    expect(d.targetNames).toEqual(['benign', 'malignant']);
    expect(d.description).toMatch(/CC BY 4.0/);
  });

  it('loadDigits: the 3,823 / 1,797 split it comes with, 64 features in 0..16, ten classes', async () => {
    const d = await loadDigits();
    expect([d.train.X.rows, d.test.X.rows, d.X.rows, d.X.cols]).toEqual([3823, 1797, 5620, 64]);
    const values = Array.from(d.X.data);
    expect([values.reduce((a, b) => Math.min(a, b)), values.reduce((a, b) => Math.max(a, b))]).toEqual([0, 16]);
    expect([...new Set(d.y)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(d.y.slice(0, 3)).toEqual([0, 0, 7]);
    expect(d.y[3823]).toBe(d.test.y[0]);
  });

  it('loadLetters: 20,000 rows of 16 features, 26 letters, the first 16,000 for training', async () => {
    const d = await loadLetters();
    expect([d.X.rows, d.X.cols, d.train.X.rows, d.test.X.rows]).toEqual([20000, 16, 16000, 4000]);
    expect(d.y.slice(0, 3)).toEqual(['T', 'I', 'D']);
    expect(Array.from(d.X.data.subarray(0, 16))).toEqual([2, 8, 3, 5, 1, 8, 13, 0, 6, 6, 10, 8, 0, 8, 0, 8]);
    expect(new Set(d.y).size).toBe(26);
    expect(d.targetNames).toHaveLength(26);
    expect(d.test.y[0]).toBe(d.y[16000]);
  });
});
