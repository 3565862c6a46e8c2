/** Types for bundle.mjs (plain JavaScript so that build.sh runs it on Node 20 without a compiler). */
import type { Metafile } from 'esbuild';

export interface UnbundledImport {
  importer: string;
  path: string;
  kind: string;
}

export function packageOf(specifier: string): string;
export function unbundledImports(metafile: Metafile): UnbundledImport[];
export function encodeForComment(text: string): string;
export function bundle(options: {
  entry: string;
  outfile: string;
  root?: string;
  lazyDependencies?: boolean;
}): Promise<{ dependencies: string[]; bytes: number }>;
