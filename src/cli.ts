#!/usr/bin/env node
// The `wasmlearn` command: dispatches to one file per command in cli/.
import { quoteArg } from './cli/args.js';
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
      console.error(`wasmlearn: unknown command ${quoteArg(command)} (see wasmlearn --help)`);
      return 2;
  }
}

/** Every failure: one line on stderr and exit code 2; the stack only with WASMLEARN_DEBUG=1. */
function report(command: string, e: unknown): number {
  console.error(`wasmlearn${command ? ` ${command}` : ''}: ${explain(e)}`);
  if (process.env.WASMLEARN_DEBUG && e instanceof Error) console.error(e.stack);
  return 2;
}

async function main([command = 'demo', ...args]: string[]): Promise<number> {
  // Output piped into a reader that stops early (`| head`): stop quietly, as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.exit(report(command, e));
  });
  // Whatever escapes (a rejected promise nobody awaited, an error thrown in a callback) is still one line.
  process.on('uncaughtException', (e) => process.exit(report(command, e)));
  process.on('unhandledRejection', (e) => process.exit(report(command, e)));
  try {
    return await run(command, args);
  } catch (e) {
    return report(command, e);
  }
}

process.exitCode = await main(process.argv.slice(2));
