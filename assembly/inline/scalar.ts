// Scalar nonlinearities for either dtype: Mathf for f32 (the tails of the f32x4 paths and the
// scalar build), NativeMath for f64, where accuracy matters more than speed.

// @ts-ignore: decorator
@inline export function exp1<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.exp(<f32>x);
  return <T>Math.exp(<f64>x);
}

// @ts-ignore: decorator
@inline export function log1p1<T>(x: T): T {
  if (sizeof<T>() == 4) return <T>Mathf.log1p(<f32>x);
  return <T>Math.log1p(<f64>x);
}

/** tanh without overflow: f32 as sign(x) (1 - e) / (1 + e), e = exp(-2|x|), like its f32x4 lanes; f64 NativeMath's. */
// @ts-ignore: decorator
@inline export function tanh1<T>(x: T): T {
  if (sizeof<T>() == 8) return <T>Math.tanh(<f64>x);
  const e = Mathf.exp(-2 * Mathf.abs(<f32>x));
  const t: f32 = (<f32>1 - e) / (<f32>1 + e);
  return <T>(x < 0 ? -t : t);
}

/** sigmoid(z) from e = e^(-|z|): e / (1 + e) for z <= 0, mirrored to 1 - that for z > 0. */
// @ts-ignore: decorator
@inline export function sigmoid_from1<T>(z: T, e: T): T {
  const f: T = e / (<T>1 + e);
  return z > 0 ? <T>1 - f : f;
}

/** Binary cross-entropy of logit z and label y from e = e^(-|z|), stable form max(z, 0) - z y + log1p(e). */
// @ts-ignore: decorator
@inline export function bce_from1<T>(z: T, y: T, e: T): T {
  return max<T>(z, 0) - z * y + log1p1<T>(e);
}

/** Stable sigmoid of z. */
// @ts-ignore: decorator
@inline export function sigmoid1<T>(z: T): T {
  return sigmoid_from1<T>(z, exp1<T>(-abs<T>(z)));
}

/** Stable binary cross-entropy of logit z and label y. */
// @ts-ignore: decorator
@inline export function bce1<T>(z: T, y: T): T {
  return bce_from1<T>(z, y, exp1<T>(-abs<T>(z)));
}
