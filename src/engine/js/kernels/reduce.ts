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

export function sum_slots(slots: FloatArray, blocks: number, step: number, width: number, out: FloatArray): void {
  for (let j = 0; j < width; j++) {
    let acc = 0;
    for (let b = 0; b < blocks; b++) acc += slots[b * step + j];
    out[j] = acc;
  }
}
export const sum_slots_f32: ArrayOps<Float32Array>['sum_slots'] = sum_slots;
export const sum_slots_f64: ArrayOps<Float64Array>['sum_slots'] = sum_slots;
