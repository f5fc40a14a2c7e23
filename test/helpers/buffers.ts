import { floats, type Buf, type Dtype, type Engine, type F32Buf, type F64Buf, type FloatBuf } from '../../src/engine/engine.js';

function filled<T extends Dtype>(buf: Buf<T>, values: ArrayLike<number>): Buf<T> {
  buf.view().set(values);
  return buf;
}

/** A new engine buffer holding `values` in float32. */
export const f32 = (engine: Engine, values: ArrayLike<number>): F32Buf => filled(engine.f32(values.length), values);
/** A new engine buffer holding `values` in float64. */
export const f64 = (engine: Engine, values: ArrayLike<number>): F64Buf => filled(engine.f64(values.length), values);
/** A new engine buffer holding `values` in `dtype`. */
export const floatsOf = (engine: Engine, dtype: Dtype, values: ArrayLike<number>): FloatBuf => filled(floats(engine, dtype, values.length), values);
