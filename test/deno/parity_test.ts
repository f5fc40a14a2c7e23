// Run by `deno test` (test/e2e/deno.e2e.ts starts it): the built package in Deno trains and
// predicts like Node. Written against node:test and node:assert, which Deno provides, so that
// the repository's TypeScript settings check it too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import process from 'node:process';
// @ts-types="../../dist/index.d.ts" (Deno reads the types of a .js import from here)
import * as lib from '../../dist/index.js';
import { runCase, type CaseResult, type CaseResults } from './parity-case.js';

const TOL = 1e-5;

function assertClose(actual: CaseResult, expected: CaseResult, tol: number, what: string): void {
  const a = [...actual.coef, actual.intercept, ...actual.proba];
  const e = [...expected.coef, expected.intercept, ...expected.proba];
  const worst = Math.max(...a.map((v, i) => Math.abs(v - e[i]!)));
  assert.ok(worst <= tol, `${what}: the largest difference is ${worst}, above ${tol}`);
}

const info = await lib.init();
const ours = runCase(lib, info.available);

test('Deno picks a WASM backend, relaxed SIMD included', () => {
  assert.ok('Deno' in globalThis, 'this test is meant for deno test');
  assert.equal(info.backend, 'wasm-relaxed');
  assert.deepEqual(info.available, ['wasm-relaxed', 'wasm-simd', 'wasm-scalar', 'js']);
});

test('every backend reaches the same model as the js backend', () => {
  for (const backend of info.available) {
    // lbfgs converges to one optimum; seeded sgd takes the same path up to float32 rounding.
    assertClose(ours[backend]!.lbfgs, ours.js!.lbfgs, TOL, `${backend} lbfgs vs js`);
    assertClose(ours[backend]!.sgd, ours.js!.sgd, TOL, `${backend} sgd vs js`);
    assert.ok(ours[backend]!.lbfgs.accuracy > 0.7);
  }
});

test('each backend matches Node on the same backend', { skip: !process.env.WASMLEARN_NODE_REFERENCE }, () => {
  const node: CaseResults = JSON.parse(readFileSync(process.env.WASMLEARN_NODE_REFERENCE!, 'utf8'));
  for (const backend of Object.keys(node)) {
    for (const solver of ['lbfgs', 'sgd'] as const) {
      assertClose(ours[backend]![solver], node[backend]![solver], TOL, `Deno vs Node, ${backend} ${solver}`);
      assert.equal(ours[backend]![solver].accuracy, node[backend]![solver].accuracy);
    }
  }
});
