/**
 * Assembles the side-effect layer for one run: the real machine, or the sandbox when
 * X2NESTOS_SANDBOX names a captured host (tests of the built binary, demos without root).
 */
import path from 'node:path';
import { execRunner } from './exec.js';
import { hostFs, type HostFs } from './hostfs.js';
import { sandboxRunner } from './sandbox.js';
import type { Http } from './http.js';
import type { Runner } from './runner.js';
import type { Runtime } from './runtime.js';

export interface Effects {
  runner: Runner;
  fs: HostFs;
  http: Http;
  /** Where the work directory defaults to (inside the sandbox when there is one). */
  defaultWorkDir: string;
  sandboxed: boolean;
  /** This process's own files (the private runtime it runs on): real even in the sandbox. */
  ownFs: HostFs;
}

/** `caFile`: --ca-file, trusted for https on top of the host's store and Node's bundled CAs. */
export async function hostEffects(runtime: Runtime, tls: { caFile?: string } = {}): Promise<Effects> {
  const { nodeHttp } = await import('./http-node.js');
  const { trustStore } = await import('./trust-store.js');
  const fs = hostFs(runtime.sandboxDir ? path.join(runtime.sandboxDir, 'root') : '/');
  const http = nodeHttp(runtime.env, await trustStore(fs, tls.caFile, runtime.cwd));
  if (runtime.sandboxDir) {
    return {
      runner: sandboxRunner(runtime.sandboxDir),
      fs,
      http,
      defaultWorkDir: path.join(runtime.sandboxDir, 'work'),
      sandboxed: true,
      ownFs: hostFs('/'),
    };
  }
  return { runner: execRunner(runtime.guard), fs, http, defaultWorkDir: '/var/lib/x2nestos', sandboxed: false, ownFs: fs };
}
