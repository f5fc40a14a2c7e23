// A fresh app folder outside the repository with the packed package installed, as a user gets it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../..', import.meta.url));

const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--ignore-scripts'], { cwd, encoding: 'utf8' });

/** A temporary folder named after `prefix`, holding an ESM app with the packed wasmlearn installed. */
export function packedApp(prefix: string): string {
  const app = mkdtempSync(join(tmpdir(), prefix));
  // --ignore-scripts: pack what the test run already built rather than building again.
  const [{ filename }] = JSON.parse(npm(['pack', '--json', '--pack-destination', app], root));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  npm(['install', join(app, filename)], app);
  return app;
}

/** Runs a program in `cwd`; a failure shows what it printed. */
export function runIn(cwd: string, file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const { stdout, stderr } = e as { stdout: string; stderr: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}
