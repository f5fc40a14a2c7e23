// Twins of assembly/kernels/blocks.ts.
import type { ArrayOps } from '../../kernels.js';
import type { FloatArray } from '../../memory.js';

type F32 = ArrayOps<Float32Array>;
type F64 = ArrayOps<Float64Array>;

export function fill_blocks(Q: FloatArray, c: number, d: number, n: number, nb: number, b0: number, dst: FloatArray): number {
  let bad = 0;
  let k = b0 * d * 4;
  for (let b = 0; b < c; b++) {
    for (let j = 0; j < d; j++) {
      for (let l = 0; l < 4; l++, k++) {
        const v = l * nb + b0 + b < n ? Q[(l * c + b) * d + j] : 0;
        bad += v - v;
        dst[k] = v;
      }
    }
  }
  return bad === 0 ? 1 : 0;
}
export const fill_blocks_f32: F32['fill_blocks'] = fill_blocks;
export const fill_blocks_f64: F64['fill_blocks'] = fill_blocks;
