// How layers and optimizers give their engine memory back. dispose() is the rule; for one dropped
// without it, a FinalizationRegistry is the safety net, as for the estimators. The registry's held
// value is the owner's Holdings, which never reference the owner itself (or it would never be
// collected). The registry runs between tasks: a synchronous loop that drops layers without
// dispose() grows memory until it yields to the event loop.
/** Something holding engine memory: freeing it twice is harmless. */
export interface Releasable {
  free(): void;
}

/** What a layer or optimizer owns in its engine. */
export class Holdings implements Releasable {
  readonly #items: Releasable[] = [];
  #freed = false;

  /** Takes r into these holdings (freed with them) and returns it. */
  add<T extends Releasable>(r: T): T {
    this.#items.push(r);
    return r;
  }

  get freed(): boolean {
    return this.#freed;
  }

  /** Frees every item, even when one fails; then throws the first failure. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    let first: unknown = null;
    for (const r of this.#items) {
      try {
        r.free();
      } catch (e) {
        first ??= e;
      }
    }
    this.#items.length = 0;
    if (first !== null) throw first;
  }
}

/** The registry's cleanup: frees what an owner collected without dispose() held. A finalizer never throws. */
export function reclaim(held: Releasable): void {
  try {
    held.free();
  } catch {
    // A buffer already gone (its engine initialised again, say): nothing is left to free.
  }
}

const registry = new FinalizationRegistry<Releasable>(reclaim);

/** Frees `held` once `owner` is collected, unless untrack(owner) came first. */
export function track(owner: object, held: Releasable): void {
  registry.register(owner, held, owner);
}

export function untrack(owner: object): void {
  registry.unregister(owner);
}
