#!/usr/bin/env node
import { relaunchWithRelaxedSimd } from './node-relaunch.js';
import { runDemo } from './demo.js';

const USAGE = `usage: wasmlearn [demo]

  demo   (default) train binary logistic regression on a synthetic dataset with every
         solver on every backend, and print accuracy and speed side by side`;

async function main(argv: string[]): Promise<number> {
  const [command = 'demo'] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'demo') {
    if (relaunchWithRelaxedSimd()) return process.exitCode as number;
    await runDemo();
    return 0;
  }
  console.error(`wasmlearn: unknown command '${command}'\n${USAGE}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
