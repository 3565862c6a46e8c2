/**
 * The payload appended to the live initrd (contract §4): one gzip'd newc cpio holding the live
 * Ignition config (which writes the installer config and the destination config, 0600) and the
 * network keyfiles the live system copies and the installer carries to the installed system.
 */
import { compressedCpio, type CpioEntry } from '../formats/cpio.js';
import { liveConfig, type LiveFile, type LiveUnit } from '../ignition/live-config.js';
import { DEST_IGNITION_PATH, INSTALLER_CONFIG_PATH } from './installer-config.js';
import type { PayloadFile } from '../model/payload.js';

export const KEYFILE_DIR = 'etc/nestos-firstboot-network';

export interface PayloadInputs {
  installerYaml: string;
  destIgnition: Uint8Array;
  keyfiles: { name: string; contents: string }[];
  /** More files and units for the live system (the failsafe, post-install hooks): each module adds its own. */
  extras?: { files: LiveFile[]; units: LiveUnit[] }[];
}

export function buildPayload(input: PayloadInputs): { archive: Buffer; files: PayloadFile[] } {
  const extras = input.extras ?? [];
  const extraFiles = extras.flatMap((e) => e.files);
  const extraUnits = extras.flatMap((e) => e.units);
  const live = liveConfig(
    [
      { path: INSTALLER_CONFIG_PATH, mode: 0o600, contents: input.installerYaml },
      { path: DEST_IGNITION_PATH, mode: 0o600, contents: input.destIgnition },
      ...extraFiles,
    ],
    extraUnits,
  );
  const entries: CpioEntry[] = [{ type: 'file', path: 'config.ign', mode: 0o600, data: Buffer.from(live) }];
  if (input.keyfiles.length > 0) entries.push({ type: 'dir', path: KEYFILE_DIR, mode: 0o700 });
  for (const k of input.keyfiles) {
    entries.push({ type: 'file', path: `${KEYFILE_DIR}/${k.name}`, mode: 0o600, data: Buffer.from(k.contents) });
  }
  const archive = compressedCpio(entries, 'gzip');
  const files: PayloadFile[] = [
    { path: '/config.ign', mode: 0o600, bytes: Buffer.byteLength(live) },
    { path: INSTALLER_CONFIG_PATH, mode: 0o600, bytes: Buffer.byteLength(input.installerYaml), preview: input.installerYaml },
    { path: DEST_IGNITION_PATH, mode: 0o600, bytes: input.destIgnition.byteLength },
    ...input.keyfiles.map((k) => ({ path: `/${KEYFILE_DIR}/${k.name}`, mode: 0o600, bytes: Buffer.byteLength(k.contents) })),
    ...extraFiles.map((f) => ({
      path: f.path,
      mode: f.mode,
      bytes: typeof f.contents === 'string' ? Buffer.byteLength(f.contents) : f.contents.byteLength,
    })),
    ...extraUnits.flatMap(unitFiles),
  ];
  return { archive, files };
}

/** Where Ignition writes a unit and its drop-ins in the live system (systemd's admin directory). */
function unitFiles(u: LiveUnit): PayloadFile[] {
  const dir = '/etc/systemd/system';
  const out: PayloadFile[] = [];
  if (u.contents !== undefined)
    out.push({ path: `${dir}/${u.name}`, mode: 0o644, bytes: Buffer.byteLength(u.contents), preview: u.contents });
  for (const d of u.dropins ?? [])
    out.push({ path: `${dir}/${u.name}.d/${d.name}`, mode: 0o644, bytes: Buffer.byteLength(d.contents), preview: d.contents });
  return out;
}
