/**
 * The live Ignition config embedded in the PXE initramfs (contract §4): it only writes files
 * (installer options, the destination config) into the live system. Spec 3.2.0 because NestOS
 * 22.03 GA ships Ignition 2.9, which reads 3.0.0–3.2.0; it uses nothing newer than 3.0.0 anyway.
 */
import { X2Error } from '../errors.js';
import { encodeDataUrl } from './data-url.js';
import { validateIgnition } from './validate.js';
import { pathError } from './validate-storage.js';

export const LIVE_SPEC_VERSION = '3.2.0';

export interface LiveFile {
  path: string;
  /** Permission bits, e.g. 0o600; special bits are not honoured before spec 3.4.0. */
  mode: number;
  contents: Uint8Array | string;
}

/**
 * A systemd unit the live system gets through Ignition: a whole unit file, drop-ins on a unit the
 * live image ships, or both. `enabled` goes through Ignition's preset (a post-install hook's
 * RequiredBy=); units started only by their dependencies (Wants=, OnFailure=) leave it out.
 */
export interface LiveUnit {
  name: string;
  enabled?: boolean;
  /** Whole unit file; absent when only drop-ins are added to a unit the live image ships. */
  contents?: string;
  dropins?: { name: string; contents: string }[];
}

export function liveConfig(files: LiveFile[], units: LiveUnit[] = []): string {
  const seen = new Set<string>();
  for (const f of files) {
    const bad = pathError(f.path);
    if (bad !== undefined) throw new X2Error('internal', `live Ignition file ${JSON.stringify(f.path)}: ${bad}`);
    if (seen.has(f.path)) throw new X2Error('internal', `live Ignition file ${f.path} is listed twice`);
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o777) {
      throw new X2Error('internal', `live Ignition file ${f.path}: mode ${f.mode} is not a permission mode`);
    }
    seen.add(f.path);
  }
  const config = {
    ignition: { version: LIVE_SPEC_VERSION },
    storage: {
      // overwrite: the live image may already carry a file at these paths (e.g. installer.d).
      files: files.map((f) => ({ path: f.path, mode: f.mode, overwrite: true, contents: { source: encodeDataUrl(f.contents) } })),
    },
    // Units are started by their dependencies (a drop-in's Wants=, OnFailure=, a hook's RequiredBy=):
    // the live system's default target is the installer's, not multi-user.target (contract §9).
    ...(units.length > 0 ? { systemd: { units: units.map(liveUnitEntry) } } : {}),
  };
  const text = JSON.stringify(config);
  const report = validateIgnition(text);
  if (!report.ok)
    throw new X2Error('internal', 'the live Ignition config came out invalid', {
      details: report.errors.map((e) => `${e.path}: ${e.message}`),
    });
  return text;
}

function liveUnitEntry(u: LiveUnit): Record<string, unknown> {
  return {
    name: u.name,
    ...(u.enabled !== undefined ? { enabled: u.enabled } : {}),
    ...(u.contents !== undefined ? { contents: u.contents } : {}),
    ...(u.dropins && u.dropins.length > 0 ? { dropins: u.dropins } : {}),
  };
}
