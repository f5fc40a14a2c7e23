import { init } from '../../src/index.js';
import { getEngine } from '../../src/engine/index.js';
import type { BackendName, Engine } from '../../src/engine/engine.js';

/** Every backend this runtime has; the suites run once per entry. */
export const info = await init();
export const backends: BackendName[] = info.available;
export const engines: [BackendName, Engine][] = backends.map((b) => [b, getEngine(b)]);
