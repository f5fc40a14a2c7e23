/** Training progress on stderr: a redrawn bar on a terminal, a few plain lines otherwise. */
export interface Progress {
  epoch(epoch: number, loss: number): void;
  done(message: string): void;
}

const WIDTH = 30;
const REDRAW_MS = 50;

export function progress(label: string, total: number, out: NodeJS.WriteStream = process.stderr): Progress {
  if (out.isTTY) {
    let last = 0;
    const draw = (epoch: number, loss: number) => {
      const filled = Math.round((WIDTH * Math.min(epoch, total)) / total);
      out.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${epoch}/${total}  loss ${loss.toFixed(6)}\x1b[K`);
    };
    return {
      epoch(epoch, loss) {
        const now = performance.now();
        if (now - last < REDRAW_MS) return;
        last = now;
        draw(epoch, loss);
      },
      done(message) {
        out.write(`\r${label} ${message}\x1b[K\n`);
      },
    };
  }
  // Logs and CI: about ten lines, whatever the number of epochs.
  const every = Math.max(1, Math.ceil(total / 10));
  return {
    epoch(epoch, loss) {
      if (epoch === 1 || epoch % every === 0) out.write(`${label} epoch ${epoch}/${total}  loss ${loss.toFixed(6)}\n`);
    },
    done(message) {
      out.write(`${label} ${message}\n`);
    },
  };
}
