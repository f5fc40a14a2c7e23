// The 4-row blocks of narrow training data (inline/logistic-blocks.ts), filled from row-major rows.

/**
 * Writes blocks b0..b0+c of a blocked X (dst: nb blocks of d column vectors of 4 lanes, lane l of
 * block b data row l * nb + b) from Q, c rows of d values from each quarter of the data back to
 * back: quarter l's rows l * nb + b0 .. at Q + l * c * d values. Lanes whose row is n or beyond are
 * zeroed (their rows are not in Q). Returns 1 when every value is finite, 0 otherwise.
 */
function fill_blocks<T>(Q: usize, c: i32, d: i32, n: i32, nb: i32, b0: i32, dst: usize): i32 {
  const sz = <usize>sizeof<T>();
  let bad: T = 0;
  let out = dst + <usize>b0 * <usize>d * 4 * sz;
  for (let b = 0; b < c; b++) {
    for (let j = 0; j < d; j++) {
      for (let l = 0; l < 4; l++, out += sz) {
        const live = l * nb + b0 + b < n;
        const v: T = live ? load<T>(Q + (<usize>(l * c + b) * <usize>d + <usize>j) * sz) : 0;
        // v - v is 0 for every finite v and NaN otherwise; NaN stays in the sum.
        bad += v - v;
        store<T>(out, v);
      }
    }
  }
  return bad == 0 ? 1 : 0;
}

export function fill_blocks_f32(Q: usize, c: i32, d: i32, n: i32, nb: i32, b0: i32, dst: usize): i32 {
  return fill_blocks<f32>(Q, c, d, n, nb, b0, dst);
}
export function fill_blocks_f64(Q: usize, c: i32, d: i32, n: i32, nb: i32, b0: i32, dst: usize): i32 {
  return fill_blocks<f64>(Q, c, d, n, nb, b0, dst);
}
