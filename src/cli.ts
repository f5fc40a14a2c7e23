#!/usr/bin/env node
// The `wasmlearn` command: dispatches to one file per command in cli/.
import { readFileSync } from 'node:fs';
import { didYouMean, quoteArg } from './cli/args.js';
import { explain } from './cli/errors.js';

const USAGE = `usage: wasmlearn [command] [options]

  demo      (default) train binary logistic regression on a synthetic dataset with every
            solver on every backend, and print accuracy and speed side by side
  train     train a model on a CSV file, print its test metrics, save it (train --help)
  predict   predict the rows of a CSV file with a saved model (predict --help)

  -v, --version   print the version`;

const COMMANDS = ['demo', 'train', 'predict', 'help'];

/** The backend a command line asks for: --backend x or --backend=x, default auto. */
function backendArg(args: string[]): string {
  let backend = 'auto';
  args.forEach((a, i) => {
    if (a === '--backend' && i + 1 < args.length) backend = args[i + 1];
    else if (a.startsWith('--backend=')) backend = a.slice('--backend='.length);
  });
  return backend;
}

async function run(command: string, args: string[]): Promise<number> {
  switch (command) {
    case 'demo': {
      const { relaunchWithRelaxedSimd } = await import('./node-relaunch.js');
      if (relaunchWithRelaxedSimd()) return process.exitCode as number;
      await (await import('./cli/demo.js')).runDemo();
      return 0;
    }
    case 'train':
    case 'predict': {
      // Node 20 and 21 need a flag for relaxed SIMD: rerun with it when the user asks for that
      // backend, or for the fastest (auto), as demo does.
      if (['auto', 'wasm-relaxed'].includes(backendArg(args)) && !args.includes('--help') && !args.includes('-h')) {
        const { relaunchWithRelaxedSimd } = await import('./node-relaunch.js');
        if (relaunchWithRelaxedSimd()) return process.exitCode as number;
      }
      if (command === 'train') return (await import('./cli/train.js')).train(args);
      return (await import('./cli/predict.js')).predict(args);
    }
    case '--version':
    case '-v':
    case 'version': {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
      console.log(`wasmlearn ${pkg.version} (Node ${process.versions.node})`);
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      if (command.startsWith('-')) console.error(`wasmlearn: unknown option ${quoteArg(command)}${didYouMean(command.replace(/^-+/, ''), ['help', 'version'], (k) => `'--${k}'`)} (see wasmlearn --help)`);
      else console.error(`wasmlearn: unknown command ${quoteArg(command)}${didYouMean(command, COMMANDS)} (see wasmlearn --help)`);
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
