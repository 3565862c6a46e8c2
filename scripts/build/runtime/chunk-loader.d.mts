/** Types for chunk-loader.mjs, for the tests; the loader itself only runs inside the bundle. */
export function decodeFromComment(text: string): string;
export function chunkSource(holder: () => void): string;
export function __x2nestos_chunk(name: string): unknown;
