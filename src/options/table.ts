/**
 * The one table of options. Everything that names an option is generated from it or checked
 * against it: commander's declarations (src/cli.ts), the typed Options and the config file's keys
 * (./schema.ts), the shell completion and the man page (walk the program built from here), and the
 * README's option list (test/unit/options/table.test.ts). Adding an option is one entry here.
 *
 * Entries come in the order `--help` lists them; each command takes its entries in that order.
 * `help` is English and is also the i18n catalog key (src/i18n/zh/cli.ts), so a changed wording
 * needs its translation changed too.
 */
import type { z as Zod } from 'zod';

export type CommandName = 'convert' | 'plan' | 'fetch' | 'status' | 'abort' | 'reboot' | 'guided';

/** zod itself, passed in: the table is read at every start-up (for --help), zod only once options are validated. */
type Z = typeof Zod;

type Choices = readonly [string, ...string[]];

export interface OptionSpec<S extends Zod.ZodType | undefined = Zod.ZodType | undefined, C extends Choices = Choices> {
  /** commander's flags: `--stream <name>` (value name in angle brackets), `-y, --yes`, `--no-reboot`. */
  flags: string;
  /** English help text, also the i18n key. */
  help: string;
  /** Where one command gives the flag another meaning (guided's --dry-run asks its questions first). */
  helpFor?: Partial<Record<CommandName, string>>;
  commands: readonly CommandName[];
  /** How commander turns the text into a value: a whole number, or one more item of a list (repeatable). */
  parse?: 'integer' | 'collect';
  /** The fixed values it takes (`--network keep|dhcp|none`): commander checks them, the shells complete them, the schema is their enum. */
  choices?: C;
  /**
   * Type, checks and default of the value once flags and the config file are merged (undefined for
   * `--config` alone: it names the file the others come from and is read before them). A function
   * of zod, so that the start-up path (`--help`, commander) never loads zod.
   */
  schema: (z: Z, choices: C) => S;
  /** Whether a `--config` file may set it (under the long flag name without the dashes). */
  configFile: boolean;
}

const ALL: readonly CommandName[] = ['convert', 'plan', 'fetch', 'status', 'abort', 'reboot', 'guided'];
/** Commands that resolve a release. */
const RELEASE: readonly CommandName[] = ['convert', 'plan', 'fetch', 'guided'];
/** Commands that plan a conversion. */
const CONVERSION: readonly CommandName[] = ['convert', 'plan', 'guided'];

const sha256 = (z: Z) =>
  z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
    .transform((s) => s.toLowerCase());
const location = (z: Z) => z.string().min(1);
const flag = (z: Z) => z.boolean().default(false);

export const LIVE_TIMEOUT_MIN = 5 * 60;
export const LIVE_TIMEOUT_MAX = 24 * 60 * 60;

/** "90s", "45m", "45min", "2h" → seconds; a bare number (config file) is seconds. */
export function durationSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  const m = /^\s*(\d{1,6})\s*(s|m|min|h)\s*$/.exec(value);
  if (!m?.[1] || !m[2]) return undefined;
  return Number(m[1]) * { s: 1, m: 60, min: 60, h: 3600 }[m[2] as 's' | 'm' | 'min' | 'h'];
}

/** Keeps each entry's schema type, so the Options type stays exact. */
function option<S extends Zod.ZodType | undefined, const C extends Choices = Choices>(
  spec: Omit<OptionSpec<S, C>, 'configFile'> & { configFile?: boolean },
): OptionSpec<S, C> {
  return { ...spec, configFile: spec.configFile ?? true };
}

/** Keyed by the Options property; the config file key and the flag are its kebab-case. */
export const OPTION_TABLE = {
  // --- every command -------------------------------------------------------------------------
  config: option({
    flags: '--config <file>',
    help: 'YAML file with any of these options (flags win)',
    commands: ALL,
    schema: () => undefined,
    configFile: false,
  }),
  /** Default /var/lib/x2nestos (never a tmpfs /tmp: it would eat the RAM the live system needs). */
  workDir: option({
    flags: '--work-dir <dir>',
    help: 'where artifacts and staged files go (default /var/lib/x2nestos)',
    commands: ALL,
    schema: (z) => z.string().startsWith('/', 'must be an absolute path').optional(),
  }),
  json: option({ flags: '--json', help: 'print one JSON document on stdout', commands: ALL, schema: flag }),
  events: option({
    flags: '--events <format>',
    help: 'stream progress events on stdout, one JSON object per line; the last carries the --json document',
    commands: ALL,
    choices: ['jsonl'],
    schema: (z, choices) => z.enum(choices).optional(),
  }),
  logFile: option({
    flags: '--log-file <file>',
    help: 'log file (default <work-dir>/x2nestos.log)',
    commands: ALL,
    schema: (z) => z.string().optional(),
  }),
  lang: option({
    flags: '--lang <lang>',
    help: 'message language',
    commands: ALL,
    choices: ['en', 'zh'],
    schema: (z, choices) => z.enum(choices).optional(),
  }),

  // --- release ---------------------------------------------------------------------------------
  stream: option({
    flags: '--stream <name>',
    help: 'NestOS stream (default 2403-LTS)',
    commands: RELEASE,
    schema: (z) =>
      z
        .string()
        .regex(/^[A-Za-z0-9._-]+$/, 'stream names are letters, digits, . _ -')
        .default('2403-LTS'),
  }),
  streamBaseUrl: option({
    flags: '--stream-base-url <url>',
    help: 'where stream documents live (default the NestOS mirror)',
    commands: RELEASE,
    schema: (z) => z.string().url().default('https://nestos.org.cn/NestOS-release/streams/'),
  }),
  iso: option({
    flags: '--iso <path|url>',
    help: 'take the live artifacts from a NestOS live ISO',
    commands: RELEASE,
    schema: (z) => location(z).optional(),
  }),
  isoSha256: option({
    flags: '--iso-sha256 <hex>',
    help: 'expected sha256 of the ISO',
    commands: RELEASE,
    schema: (z) => sha256(z).optional(),
  }),
  releaseDir: option({
    flags: '--release-dir <dir>',
    help: 'a directory written by `x2nestos fetch --to`',
    commands: RELEASE,
    schema: (z) => location(z).optional(),
  }),
  /** Base URL of a directory written by `x2nestos fetch --to` and served over HTTP. */
  releaseUrl: option({
    flags: '--release-url <url>',
    help: 'such a directory served over HTTP',
    commands: RELEASE,
    schema: (z) => z.string().url().optional(),
  }),
  /** sha256 of that directory's release.json, as `x2nestos fetch` printed it: trusts it over plain HTTP. */
  releaseManifestSha256: option({
    flags: '--release-manifest-sha256 <hex>',
    help: 'sha256 of its release.json, as `x2nestos fetch` printed it',
    commands: RELEASE,
    schema: (z) => sha256(z).optional(),
  }),
  /** sha256sum-format file (path or https URL) with the expected hashes of the artifacts or the ISO. */
  checksums: option({
    flags: '--checksums <file|url>',
    help: 'expected sha256 of the artifacts or the ISO, in sha256sum format (path or https URL)',
    commands: RELEASE,
    schema: (z) => location(z).optional(),
  }),
  kernel: option({ flags: '--kernel <path|url>', help: 'live kernel', commands: RELEASE, schema: (z) => location(z).optional() }),
  initramfs: option({ flags: '--initramfs <path|url>', help: 'live initramfs', commands: RELEASE, schema: (z) => location(z).optional() }),
  rootfs: option({ flags: '--rootfs <path|url>', help: 'live rootfs', commands: RELEASE, schema: (z) => location(z).optional() }),
  kernelSha256: option({
    flags: '--kernel-sha256 <hex>',
    help: 'expected sha256 of --kernel',
    commands: RELEASE,
    schema: (z) => sha256(z).optional(),
  }),
  initramfsSha256: option({
    flags: '--initramfs-sha256 <hex>',
    help: 'expected sha256 of --initramfs',
    commands: RELEASE,
    schema: (z) => sha256(z).optional(),
  }),
  rootfsSha256: option({
    flags: '--rootfs-sha256 <hex>',
    help: 'expected sha256 of --rootfs',
    commands: RELEASE,
    schema: (z) => sha256(z).optional(),
  }),
  arch: option({
    flags: '--arch <arch>',
    help: 'architecture of the release (default: this host)',
    commands: RELEASE,
    choices: ['x86_64', 'aarch64'],
    schema: (z, choices) => z.enum(choices).optional(),
  }),
  /** Armored OpenPGP public key: verify detached signatures published with the artifacts. */
  signingKey: option({
    flags: '--signing-key <file>',
    help: 'verify detached OpenPGP signatures with this public key',
    commands: RELEASE,
    schema: (z) => location(z).optional(),
  }),
  allowUnverifiedArtifacts: option({
    flags: '--allow-unverified-artifacts',
    help: 'accept artifacts whose sha256 nothing trusted vouches for',
    commands: RELEASE,
    schema: flag,
  }),
  /** PEM file of extra CAs for https (a company CA), on top of the system's and Node's. */
  caFile: option({
    flags: '--ca-file <file>',
    help: 'extra CA certificates (PEM) for https, on top of the system trust store',
    commands: RELEASE,
    schema: (z) => location(z).optional(),
  }),

  // --- destination -----------------------------------------------------------------------------
  ignition: option({
    flags: '--ignition <url|file>',
    help: 'Ignition config NestOS will boot with',
    commands: CONVERSION,
    schema: (z) => location(z).optional(),
  }),
  allowHttpIgnition: option({
    flags: '--allow-http-ignition',
    help: 'allow fetching the Ignition config over plain http',
    commands: CONVERSION,
    schema: flag,
  }),
  /** Overall deadline of the --ignition URL fetch, in seconds (a stall timeout alone lets a trickle run on). */
  ignitionTimeout: option({
    flags: '--ignition-timeout <seconds>',
    help: 'give up fetching an --ignition URL after this long (default 120)',
    commands: CONVERSION,
    parse: 'integer',
    schema: (z) => z.number().int().min(1).max(3600).default(120),
  }),
  allowNoSshKey: option({
    flags: '--allow-no-ssh-key',
    help: 'accept a config that gives no user an SSH key',
    commands: CONVERSION,
    schema: flag,
  }),
  disk: option({
    flags: '--disk <dev>',
    help: 'target disk (default: the disk behind /)',
    commands: CONVERSION,
    schema: (z) => z.string().startsWith('/dev/', 'must be a device path under /dev/').optional(),
  }),
  savePartlabel: option({
    flags: '--save-partlabel <glob>',
    help: 'keep partitions with matching labels (repeatable)',
    commands: CONVERSION,
    parse: 'collect',
    schema: (z) => z.array(z.string().min(1)).default([]),
  }),
  savePartindex: option({
    flags: '--save-partindex <N|M-N>',
    help: 'keep partitions with these numbers (repeatable)',
    commands: CONVERSION,
    parse: 'collect',
    schema: (z) => z.array(z.string().regex(/^(\d+|\d*-\d*)$/, 'is N, M-N, M- or -N')).default([]),
  }),
  allowRemovableDisk: option({
    flags: '--allow-removable-disk',
    help: 'allow a removable target disk',
    commands: CONVERSION,
    schema: flag,
  }),

  // --- live system kernel ----------------------------------------------------------------------
  console: option({
    flags: '--console <spec>',
    help: 'console for the live and installed system (repeatable; default from /proc/cmdline)',
    commands: CONVERSION,
    parse: 'collect',
    schema: (z) => z.array(z.string().min(1)).default([]),
  }),
  /** Kernel arguments of the installed system (installer `append-karg`). */
  appendKarg: option({
    flags: '--append-karg <arg>',
    help: 'kernel argument for the installed system (repeatable)',
    commands: CONVERSION,
    parse: 'collect',
    schema: (z) => z.array(z.string().min(1)).default([]),
  }),
  /** Extra kernel arguments for the live installer system only. */
  liveKarg: option({
    flags: '--live-karg <arg>',
    help: 'kernel argument for the live installer only (repeatable)',
    commands: CONVERSION,
    parse: 'collect',
    schema: (z) => z.array(z.string().min(1)).default([]),
  }),
  rootfsMode: option({
    flags: '--rootfs-mode <mode>',
    help: 'how the live system gets its rootfs',
    commands: CONVERSION,
    choices: ['auto', 'append', 'url'],
    schema: (z, choices) => z.enum(choices).default('auto'),
  }),
  skipMemoryCheck: option({
    flags: '--skip-memory-check',
    help: 'skip the RAM check (risk: out of memory in the live system)',
    commands: CONVERSION,
    schema: flag,
  }),
  /** Seconds the live system waits for the installer before its failsafe acts (`--live-timeout 30m`). */
  liveTimeout: option({
    flags: '--live-timeout <duration>',
    help: 'the live system gives up on an installer still running after this long (default 30m)',
    commands: CONVERSION,
    schema: (z) =>
      z
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
  }),

  // --- identity (issue 4) ----------------------------------------------------------------------
  network: option({
    flags: '--network <mode>',
    help: 'network of the installed system',
    commands: CONVERSION,
    choices: ['keep', 'dhcp', 'none'],
    schema: (z, choices) => z.enum(choices).default('keep'),
  }),
  networkKeyfile: option({
    flags: '--network-keyfile <file>',
    help: 'NetworkManager keyfile to install instead of the rendered ones (repeatable)',
    commands: CONVERSION,
    parse: 'collect',
    schema: (z) => z.array(location(z)).default([]),
  }),
  inheritSshKeys: option({
    flags: '--inherit-ssh-keys',
    help: "add this host's authorized SSH keys to user nest",
    commands: CONVERSION,
    schema: flag,
  }),
  keepHostKeys: option({ flags: '--keep-host-keys', help: "carry this host's SSH host keys", commands: CONVERSION, schema: flag }),
  keepHostname: option({
    flags: '--no-keep-hostname',
    help: 'do not carry the hostname',
    commands: CONVERSION,
    schema: (z) => z.boolean().default(true),
  }),
  /** UEFI: keep the old system's boot entries on the destination disk (moved last) instead of removing them. */
  keepBootEntries: option({
    flags: '--keep-boot-entries',
    help: "UEFI: keep the old system's boot entries on the target disk (moved last) instead of removing them",
    commands: CONVERSION,
    schema: flag,
  }),

  // --- kexec -----------------------------------------------------------------------------------
  /** Never call the package manager: use the host's kexec, the carried one, or --kexec. */
  skipPackageInstall: option({
    flags: '--skip-package-install',
    help: "never call the package manager (kexec: the host's, the carried one, or --kexec)",
    commands: CONVERSION,
    schema: flag,
  }),
  /** Without kexec-tools on the host, install the distribution's instead of using the carried one. */
  kexecFromPackages: option({
    flags: '--kexec-from-packages',
    help: "without kexec-tools on the host, install the distribution's instead of using the kexec carried in x2nestos",
    commands: CONVERSION,
    schema: flag,
  }),
  /** A kexec binary the user names (checked: it exists and answers --version). */
  kexec: option({
    flags: '--kexec <path>',
    help: 'use this kexec binary',
    commands: CONVERSION,
    schema: (z) => z.string().startsWith('/', 'must be an absolute path').optional(),
  }),
  allowTmpfsWorkDir: option({
    flags: '--allow-tmpfs-work-dir',
    help: 'allow a work directory on tmpfs (costs RAM the live system needs)',
    commands: CONVERSION,
    schema: flag,
  }),

  // --- run behaviour of single commands ----------------------------------------------------------
  yes: option({ flags: '-y, --yes', help: 'do not ask for confirmation', commands: ['convert', 'reboot'], schema: flag }),
  dryRun: option({
    flags: '--dry-run',
    help: 'stop after printing the plan (same as `x2nestos plan`)',
    helpFor: { guided: 'stop after printing the plan' },
    commands: ['convert', 'guided'],
    schema: flag,
  }),
  reboot: option({
    flags: '--no-reboot',
    help: 'stage only; `x2nestos reboot` switches later',
    commands: ['convert'],
    schema: (z) => z.boolean().default(true),
  }),
  /** Seconds between the final confirmation and the switch, so SSH sessions return cleanly. */
  rebootDelay: option({
    flags: '--reboot-delay <seconds>',
    help: 'wait this long before switching',
    commands: ['convert', 'reboot'],
    parse: 'integer',
    schema: (z) => z.number().int().min(0).max(600).default(0),
  }),
  /** Destination directory of `x2nestos fetch`. */
  to: option({ flags: '--to <dir>', help: 'destination directory', commands: ['fetch'], schema: (z) => z.string().optional() }),
};

export type OptionKey = keyof typeof OPTION_TABLE;

/** The entries in table order, with their keys. */
export function optionEntries(): [OptionKey, OptionSpec][] {
  return Object.entries(OPTION_TABLE) as unknown as [OptionKey, OptionSpec][];
}

/** The long flag as typed (`--no-reboot`, `--yes`). */
export function longFlag(spec: Pick<OptionSpec, 'flags'>): string {
  return /--[a-z0-9-]+/.exec(spec.flags)![0];
}

/** The fixed values an option takes (`--network keep|dhcp|none`), read from its schema. */
