/**
 * scikit-learn's stopping rule for epoch-based training: stop once the loss has failed to improve
 * on the best seen by at least `tol` for `patience` consecutive epochs.
 */
export class NoImprovement {
  private best = Infinity;
  private stale = 0;

  constructor(
    private readonly tol: number,
    private readonly patience: number,
  ) {}

  /** Records an epoch's loss; true when training should stop. */
  update(loss: number): boolean {
    if (loss > this.best - this.tol) this.stale++;
    else this.stale = 0;
    this.best = Math.min(this.best, loss);
    return this.stale >= this.patience;
  }

  /** Starts counting again (after the learning rate changed), keeping the best loss. */
  reset(): void {
    this.stale = 0;
  }
}
