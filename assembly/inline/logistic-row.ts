// One logistic-regression row, scalar, in either dtype: the tail of the vector paths of
// logistic-f32.ts and logistic-f64.ts and the whole of the scalar builds.
import { exp1, sigmoid_from1, bce_from1 } from './scalar';
import { dot1 } from './dot';

/** Row r (X, y, sw and w in T, layout as in logistic-f32.ts): adds its gradient into grad, returns its loss. */
export function logistic_row<T>(X: usize, y: usize, sw: usize, r: usize, d: i32, stride: i32, w: usize, grad: usize): f64 {
  const x = X + r * (<usize>stride << alignof<T>());
  const z = dot1<T>(x, w, d) + load<T>(w + (<usize>stride << alignof<T>()));
  const label = load<T>(y + (r << alignof<T>()));
  const weight: T = sw ? load<T>(sw + (r << alignof<T>())) : 1;
  const e = exp1<T>(-abs<T>(z));
  const err = (sigmoid_from1<T>(z, e) - label) * weight;
  for (let j = 0; j < d; j++) {
    const gj = grad + (<usize>j << 3);
    store<f64>(gj, load<f64>(gj) + <f64>(err * load<T>(x + (<usize>j << alignof<T>()))));
  }
  const gb = grad + (<usize>stride << 3);
  store<f64>(gb, load<f64>(gb) + <f64>err);
  return <f64>(bce_from1<T>(z, label, e) * weight);
}
