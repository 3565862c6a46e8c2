/**
 * Injected into the bundle and into every dependency chunk (scripts/build/bundle.mjs): CommonJS
 * has no `import.meta`, so `import.meta.url` in ESM dependencies (openpgp, for one) is defined as
 * this value. In a single-executable application `__filename` is the executable itself.
 */
import { pathToFileURL } from 'node:url';

export const __x2nestos_import_meta_url = pathToFileURL(__filename).href;
