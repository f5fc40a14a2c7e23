// Node's file system, for the file: URLs that only Node, Deno and Bun read. The specifier is not a
// literal and carries the bundlers' ignore comments, so webpack 5, esbuild (platform browser),
// Rollup, Parcel 2 and Vite leave the import alone in a browser build instead of failing on
// `node:fs` or shimming it; a browser never reaches it, because the package's own files are then
// http(s) URLs that are fetched.
const FS_PROMISES = 'node:fs/promises';
const FS = 'node:fs';

/** `node:fs/promises`, imported only when a file: URL is read. */
export function nodeFsPromises(): Promise<typeof import('node:fs/promises')> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ FS_PROMISES);
}

/** `node:fs`, imported only when a path is read. */
export function nodeFs(): Promise<typeof import('node:fs')> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ FS);
}
