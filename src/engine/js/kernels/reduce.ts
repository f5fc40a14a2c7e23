// Twins of assembly/kernels/reduce.ts.
import type { ArrayOps } from '../../kernels.js';
import type { FloatArray } from '../../memory.js';

export function sum(x: FloatArray, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  return s;
}
export const sum_f32: ArrayOps<Float32Array>['sum'] = sum;
export const sum_f64: ArrayOps<Float64Array>['sum'] = sum;
