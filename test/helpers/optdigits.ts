import { readCsv, StandardScaler, type Matrix } from '../../src/index.js';
import { dataPath } from './data.js';

/** UCI optdigits, the published split, features standardized on the training rows. */
export async function optdigits(): Promise<{ Xtrain: Matrix; ytrain: number[]; Xtest: Matrix; ytest: number[] }> {
  const train = await readCsv(dataPath('optdigits.tra'), { header: false, target: 64 });
  const test = await readCsv(dataPath('optdigits.tes'), { header: false, target: 64 });
  const scaler = new StandardScaler().fit(train.X);
  return {
    Xtrain: scaler.transform(train.X), ytrain: train.y as number[],
    Xtest: scaler.transform(test.X), ytest: test.y as number[],
  };
}
