// Builds every .wasm target of asconfig.json except debug: the scalar, SIMD and relaxed-SIMD
// builds and their threads (shared-memory) twins, as many at once as there are cores.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const targets = Object.keys(JSON.parse(readFileSync('asconfig.json', 'utf8')).targets).filter((t) => t !== 'debug');
const asc = process.platform === 'win32' ? 'node_modules\\.bin\\asc.cmd' : 'node_modules/.bin/asc';

function build(target) {
  return new Promise((resolve, reject) => {
    const child = spawn(asc, ['assembly/index.ts', '--target', target], { stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`asc --target ${target} exited with ${code}`))));
  });
}

const queue = [...targets];
const workers = Array.from({ length: Math.min(availableParallelism(), queue.length) }, async () => {
  while (queue.length > 0) await build(queue.shift());
});
await Promise.all(workers);
