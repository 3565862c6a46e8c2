/**
 * The one typed options object. Flags, the YAML config file (`--config`) and the Ansible role all
 * produce this shape; it is validated once here. Config file keys are the flags' long names
 * (`stream-base-url: ...`); unknown keys are errors; flags win over the file.
 */
import { z } from 'zod';

const sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
  .transform((s) => s.toLowerCase());
const location = z.string().min(1);

export const optionsSchema = z
  .object({
    // --- release -----------------------------------------------------------------------------
    stream: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'stream names are letters, digits, . _ -')
      .default('2403-LTS'),
    streamBaseUrl: z.string().url().default('https://nestos.org.cn/NestOS-release/streams/'),
    iso: location.optional(),
    isoSha256: sha256.optional(),
    releaseDir: location.optional(),
    /** Base URL of a directory written by `x2nestos fetch --to` and served over HTTP. */
    releaseUrl: z.string().url().optional(),
    /** sha256 of that directory's release.json, as `x2nestos fetch` printed it: trusts it over plain HTTP. */
    releaseManifestSha256: sha256.optional(),
    /** sha256sum-format file (path or https URL) with the expected hashes of the artifacts or the ISO. */
    checksums: location.optional(),
    kernel: location.optional(),
    initramfs: location.optional(),
    rootfs: location.optional(),
    kernelSha256: sha256.optional(),
    initramfsSha256: sha256.optional(),
    rootfsSha256: sha256.optional(),
    arch: z.enum(['x86_64', 'aarch64']).optional(),
    /** Armored OpenPGP public key: verify detached signatures published with the artifacts. */
    signingKey: location.optional(),
    allowUnverifiedArtifacts: z.boolean().default(false),
    /** PEM file of extra CAs for https (a company CA), on top of the system's and Node's. */
    caFile: location.optional(),

    // --- destination ----------------------------------------------------------------------------
    ignition: location.optional(),
    allowHttpIgnition: z.boolean().default(false),
    /** Overall deadline of the --ignition URL fetch, in seconds (a stall timeout alone lets a trickle run on). */
    ignitionTimeout: z.number().int().min(1).max(3600).default(120),
    allowNoSshKey: z.boolean().default(false),
    disk: z.string().startsWith('/dev/', 'must be a device path under /dev/').optional(),
    savePartlabel: z.array(z.string().min(1)).default([]),
    savePartindex: z.array(z.string().regex(/^(\d+|\d*-\d*)$/, 'is N, M-N, M- or -N')).default([]),
    allowRemovableDisk: z.boolean().default(false),

    // --- live system kernel ----------------------------------------------------------------------
    console: z.array(z.string().min(1)).default([]),
    /** Kernel arguments of the installed system (installer `append-karg`). */
    appendKarg: z.array(z.string().min(1)).default([]),
    /** Extra kernel arguments for the live installer system only. */
    liveKarg: z.array(z.string().min(1)).default([]),
    rootfsMode: z.enum(['auto', 'append', 'url']).default('auto'),
    skipMemoryCheck: z.boolean().default(false),
    /** Seconds the live system waits for the installer before its failsafe acts (`--live-timeout 30m`). */
    liveTimeout: z
      .union([z.string(), z.number()])
      .transform((v, ctx) => {
        const seconds = durationSeconds(v);
        if (seconds === undefined || seconds < LIVE_TIMEOUT_MIN || seconds > LIVE_TIMEOUT_MAX) {
          ctx.addIssue({ code: 'custom', message: 'must be a duration between 5m and 24h, written like 45m, 2h or 900s' });
          return z.NEVER;
        }
        return seconds;
      })
      .default(30 * 60),

    // --- identity (issue 4) ----------------------------------------------------------------------
    network: z.enum(['keep', 'dhcp', 'none']).default('keep'),
    networkKeyfile: z.array(location).default([]),
    inheritSshKeys: z.boolean().default(false),
    keepHostKeys: z.boolean().default(false),
    keepHostname: z.boolean().default(true),
    /** UEFI: keep the old system's boot entries on the destination disk (moved last) instead of removing them. */
    keepBootEntries: z.boolean().default(false),

    // --- run behaviour ---------------------------------------------------------------------------
    /** Default /var/lib/x2nestos (never a tmpfs /tmp: it would eat the RAM the live system needs). */
    workDir: z.string().startsWith('/', 'must be an absolute path').optional(),
    allowTmpfsWorkDir: z.boolean().default(false),
    yes: z.boolean().default(false),
    json: z.boolean().default(false),
    events: z.enum(['jsonl']).optional(),
    reboot: z.boolean().default(true),
    /** Seconds between the final confirmation and the switch, so SSH sessions return cleanly. */
    rebootDelay: z.number().int().min(0).max(600).default(0),
    logFile: z.string().optional(),
    lang: z.enum(['en', 'zh']).optional(),
    /** Never call the package manager: use the host's kexec, the carried one, or --kexec. */
    skipPackageInstall: z.boolean().default(false),
    /** Without kexec-tools on the host, install the distribution's instead of using the carried one. */
    kexecFromPackages: z.boolean().default(false),
    /** A kexec binary the user names (checked: it exists and answers --version). */
    kexec: z.string().startsWith('/', 'must be an absolute path').optional(),
    /** Destination directory of `x2nestos fetch`. */
    to: z.string().optional(),
    dryRun: z.boolean().default(false),
  })
  .strict();

export const LIVE_TIMEOUT_MIN = 5 * 60;
export const LIVE_TIMEOUT_MAX = 24 * 60 * 60;

/** "90s", "45m", "45min", "2h" → seconds; a bare number (config file) is seconds. */
export function durationSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  const m = /^\s*(\d{1,6})\s*(s|m|min|h)\s*$/.exec(value);
  if (!m?.[1] || !m[2]) return undefined;
  return Number(m[1]) * { s: 1, m: 60, min: 60, h: 3600 }[m[2] as 's' | 'm' | 'min' | 'h'];
}

export type Options = z.output<typeof optionsSchema>;
export type OptionsInput = z.input<typeof optionsSchema>;

/** kebab-case (config file, flags) → camelCase (schema). */
export function camelKey(key: string): string {
  return key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** camelCase → kebab-case, for messages that name a flag. */
export function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}
