#!/usr/bin/env node
// The `wasmlearn` command: dispatches to one file per command in cli/.
import { explain } from './cli/errors.js';

const USAGE = `usage: wasmlearn [command] [options]

  demo      (default) train binary logistic regression on a synthetic dataset with every
            solver on every backend, and print accuracy and speed side by side
  train     train a model on a CSV file, print its test metrics, save it (train --help)
  predict   predict the rows of a CSV file with a saved model (predict --help)`;

async function run(command: string, args: string[]): Promise<number> {
  switch (command) {
    case 'demo': {
      const { relaunchWithRelaxedSimd } = await import('./node-relaunch.js');
      if (relaunchWithRelaxedSimd()) return process.exitCode as number;
      await (await import('./cli/demo.js')).runDemo();
      return 0;
    }
    case 'train':
      return (await import('./cli/train.js')).train(args);
    case 'predict':
      return (await import('./cli/predict.js')).predict(args);
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`wasmlearn: unknown command '${command}' (see wasmlearn --help)`);
      return 2;
  }
}

async function main([command = 'demo', ...args]: string[]): Promise<number> {
  try {
    return await run(command, args);
  } catch (e) {
    const line = explain(e);
    if (line === null) throw e;
    console.error(`wasmlearn ${command}: ${line}`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
