/**
 * The `--json` document and the `--events jsonl` lines, as zod schemas: the one description of the
 * machine output. The TypeScript types of src/output/json.ts and events.ts are derived from here;
 * the CLI tests validate every document and event the binary prints against these schemas, and a
 * test holds README "JSON output" to them (every documented field exists, every field is
 * documented). Objects are strict, so a field the code adds without adding it here fails the tests.
 * Fields are only ever added within a schemaVersion, never renamed or removed.
 *
 * Not loaded at run time: the program only imports the types (zod stays off the output path).
 */
import { z } from 'zod';
import { EXIT_CODES, type ErrorKind } from '../errors.js';
import type { NetworkModel } from '../network/model.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const strict = z.strictObject;

// --- release -------------------------------------------------------------------------------------
const verifiedBy = z.enum(['tls', 'user-hash', 'manifest', 'signature', 'local', 'none']);
const sha256Source = z.enum(['stream', 'user', 'release-dir', 'iso', 'checksums']);
const artifactRole = z.enum(['kernel', 'initramfs', 'rootfs']);

const artifactRef = strict({
  role: artifactRole,
  location: z.string(),
  name: z.string(),
  sha256: sha256.optional(),
  sha256Source: sha256Source.optional(),
  verifiedBy: verifiedBy.optional(),
  sizeBytes: z.number().int().optional(),
  /** Detached signature URL from the stream, when published. */
  signature: z.string().optional(),
  /** Artifacts inside an ISO: where the file lies in it. */
  isoExtent: strict({ offset: z.number().int(), length: z.number().int() }).optional(),
});

export const releaseJson = strict({
  source: z.enum(['stream', 'iso', 'release-dir', 'urls']),
  origin: z.string(),
  stream: z.string().optional(),
  release: z.string().optional(),
  arch: z.string(),
  artifacts: strict({ kernel: artifactRef, initramfs: artifactRef, rootfs: artifactRef }),
});

// --- plan ----------------------------------------------------------------------------------------
const errorKind = z.enum(Object.keys(EXIT_CODES) as [ErrorKind, ...ErrorKind[]]);
const switchPlan = strict({ method: z.enum(['systemd', 'init-reboot', 'direct']), argv: z.array(z.string()), reason: z.string() });

export const planJson = strict({
  schemaVersion: z.literal(1),
  tool: strict({ name: z.literal('x2nestos'), version: z.string() }),
  host: strict({
    hostname: z.string(),
    os: z.string(),
    family: z.string().optional(),
    arch: z.string(),
    bootMode: z.enum(['uefi', 'bios']),
    kernelRelease: z.string(),
    virtualization: z.string().optional(),
    secureBoot: z.boolean().optional(),
    lockdown: z.string().optional(),
  }),
  firmware: strict({
    bootMode: z.enum(['uefi', 'bios']),
    secureBoot: z.boolean().optional(),
    bootCurrent: z.string().optional(),
    bootOrder: z.array(z.string()),
    entries: z.array(strict({ number: z.string(), label: z.string(), active: z.boolean(), devicePath: z.string(), onTarget: z.boolean() })),
    bootEntries: strict({
      action: z.enum(['replace', 'demote', 'none']),
      reason: z.string(),
      label: z.string(),
      archSuffix: z.enum(['x64', 'aa64']),
      loader: z.string(),
      fallbackLoader: z.string(),
      oldPartitionGuids: z.array(z.string()),
      affected: z.array(z.string()),
    }),
  }),
  release: releaseJson,
  target: strict({
    device: z.string(),
    installerName: z.string(),
    sizeBytes: z.number().int(),
    model: z.string().optional(),
    serial: z.string().optional(),
    isRootDisk: z.boolean(),
    kept: z.array(
      strict({
        number: z.number().int(),
        label: z.string().optional(),
        startBytes: z.number().int(),
        sizeBytes: z.number().int(),
        matchedBy: z.string(),
      }),
    ),
  }).optional(),
  ignition: strict({
    source: z.string(),
    sha256,
    specVersion: z.string().optional(),
    sshKeys: z.array(
      strict({
        user: z.string(),
        type: z.string(),
        fingerprint: z.string(),
        comment: z.string().optional(),
        origin: z.enum(['config', 'inherited']),
      }),
    ),
    passwordUsers: z.array(z.string()),
    warnings: z.array(z.string()),
    additions: z.array(z.string()),
    identityNotes: z.array(z.string()),
  }).optional(),
  /** The installer's config file: its keys are the installer's (README "How ... installer"), not ours. */
  installer: strict({ path: z.string(), config: z.record(z.string(), z.unknown()) }),
  live: strict({
    kernelArgs: z.array(z.string()),
    rootfsMode: z.enum(['append', 'url']),
    payload: z.array(strict({ path: z.string(), mode: z.number().int(), bytes: z.number().int(), preview: z.string().optional() })),
    failsafe: strict({
      timeoutSeconds: z.number().int(),
      installerUnit: z.string(),
      units: z.array(z.string()),
      nestKeys: z.number().int(),
      diskCheck: strict({
        device: z.string(),
        regions: z.array(strict({ startSector: z.number().int(), sectors: z.number().int(), sha256 })),
      }).nullable(),
      outcomeFile: strict({ uuid: z.string(), fsType: z.string(), path: z.string() }).nullable(),
    }).optional(),
  }),
  network: strict({
    mode: z.enum(['keep', 'dhcp', 'none']),
    /** This host's network as read (src/network/model.ts: interfaces, addresses, routes, DNS); its own shape, held by its tests. */
    model: z.custom<NetworkModel>((v) => typeof v === 'object' && v !== null && !Array.isArray(v)),
    keyfiles: z.array(strict({ name: z.string(), bytes: z.number().int(), preview: z.string() })),
    liveKargs: z.array(z.string()),
    notes: z.array(z.string()),
  }),
  memory: strict({
    totalBytes: z.number().int(),
    availableBytes: z.number().int(),
    appendNeedsBytes: z.number().int().optional(),
    urlNeedsBytes: z.number().int().optional(),
    loadNeedsBytes: z.number().int().optional(),
    rootfsMode: z.enum(['append', 'url']),
    reason: z.string(),
  }),
  kexec: strict({
    method: z.enum(['file', 'syscall', 'file-then-syscall']),
    loadArgv: z.array(z.string()),
    switchArgv: z.array(z.string()),
    switch: switchPlan,
    toolInstalled: z.boolean(),
    installArgv: z.array(z.array(z.string())),
    source: z.enum(['host', 'carried', 'packages', 'user']),
    path: z.string().optional(),
    version: z.string().optional(),
    reason: z.string(),
    toolArgv: z.array(z.string()),
  }),
  workDir: z.string(),
  reboot: strict({ automatic: z.boolean(), delaySeconds: z.number().int() }),
  steps: z.array(z.string()),
  warnings: z.array(z.string()),
  blockers: z.array(strict({ kind: errorKind, message: z.string(), remedy: z.string().optional() })),
});

// --- what each command adds ------------------------------------------------------------------------
const artifactsJson = z.array(
  strict({
    role: artifactRole,
    name: z.string(),
    path: z.string(),
    sizeBytes: z.number().int(),
    sha256,
    verified: z.boolean(),
    sha256Source: sha256Source.nullable(),
    verifiedBy,
  }),
);

const stagedJson = strict({
  kernel: z.string(),
  initrd: z.string(),
  initrdBytes: z.number().int(),
  initrdSha256: sha256,
  method: z.enum(['file', 'syscall']),
});

const switchJson = strict({
  method: z.enum(['systemd', 'systemd-forced', 'init-reboot', 'direct']),
  evidence: z.enum(['accepted', 'kexec-job', 'stopping', 'gone-down']),
});

const workDirFile = strict({ path: z.string(), bytes: z.number().int() });

/** state.json as `convert --no-reboot` wrote it (src/stage/state.ts). */
const stagedStateJson = strict({
  version: z.literal(1),
  stagedAt: z.string(),
  bootId: z.string().optional(),
  release: z.string().optional(),
  kernel: z.string(),
  initrd: z.string(),
  initrdSha256: sha256,
  cmdline: z.string(),
  method: z.enum(['file', 'syscall']),
  switchArgv: z.array(z.string()),
  switch: switchPlan.optional(),
  target: z.string().optional(),
  kexecArgv: z.array(z.string()).optional(),
});

/** What a failed attempt's live system left for `status` (src/stage/outcome.ts). */
const lastAttemptJson = strict({
  at: z.string(),
  reason: z.string(),
  disk: z.string(),
  action: z.string(),
  destDevice: z.string(),
  message: z.string(),
  installerSaid: z.string().optional(),
});

const statusJson = strict({
  workDir: z.string(),
  staged: stagedStateJson.nullable(),
  kernelLoaded: z.boolean(),
  stagedThisBoot: z.boolean(),
  stateCorrupt: z.string().nullable(),
  leftovers: z.array(workDirFile),
  partialDownloads: z.array(workDirFile),
  /** Filled in right after the rest (src/commands/last-attempt.ts), so optional only in the type. */
  lastAttempt: z
    .union([lastAttemptJson, strict({ unreadable: z.string() })])
    .nullable()
    .optional(),
});

const abortedJson = strict({
  unloaded: z.boolean(),
  removedStaged: z.boolean(),
  removedFiles: z.array(z.string()),
  removedCorruptState: z.boolean(),
});

const guidedJson = strict({ dryRun: z.boolean(), answersFile: z.string().nullable() });

export const errorJsonSchema = strict({
  kind: errorKind,
  message: z.string(),
  remedy: z.string().optional(),
  details: z.array(z.string()),
});

export const COMMANDS = ['convert', 'plan', 'fetch', 'status', 'abort', 'reboot', 'guided'] as const;
export const RESULTS = ['planned', 'staged', 'switching', 'fetched', 'status', 'aborted', 'refused', 'failed', 'done'] as const;

/** Every field a command may add to the document; how far a run got decides which are there. */
export const documentFields = {
  release: releaseJson.optional(),
  plan: planJson.optional(),
  artifacts: artifactsJson.optional(),
  staged: stagedJson.optional(),
  switch: switchJson.optional(),
  status: statusJson.optional(),
  aborted: abortedJson.optional(),
  directory: z.string().optional(),
  manifestSha256: sha256.optional(),
  guided: guidedJson.optional(),
};

const envelope = {
  schemaVersion: z.literal(1),
  tool: strict({ name: z.literal('x2nestos'), version: z.string() }),
  ok: z.boolean(),
  exitCode: z.number().int(),
  result: z.enum(RESULTS),
  error: errorJsonSchema.optional(),
};

/** Which fields each command's document may carry. */
const perCommand = {
  convert: ['release', 'plan', 'artifacts', 'staged', 'switch'],
  plan: ['release', 'plan'],
  fetch: ['release', 'artifacts', 'directory', 'manifestSha256'],
  status: ['status'],
  abort: ['aborted'],
  reboot: ['switch'],
  guided: ['guided', 'release', 'plan', 'artifacts', 'staged', 'switch'],
} as const satisfies Record<(typeof COMMANDS)[number], readonly (keyof typeof documentFields)[]>;

function commandDocument<C extends keyof typeof perCommand>(command: C) {
  const fields = Object.fromEntries(perCommand[command].map((f) => [f, documentFields[f]]));
  return strict({ ...envelope, command: z.literal(command), ...fields });
}

/** The --json document, one schema per command (keyed by its `command` field). */
export const jsonDocumentSchema = z.discriminatedUnion('command', [
  commandDocument('convert'),
  commandDocument('plan'),
  commandDocument('fetch'),
  commandDocument('status'),
  commandDocument('abort'),
  commandDocument('reboot'),
  commandDocument('guided'),
]);

/** The fields a command puts in the document as it goes (`ctx.doc`); the envelope is added when printing. */
export const documentFieldsSchema = strict({ result: z.enum(RESULTS).optional(), ...documentFields });

// --- --events jsonl --------------------------------------------------------------------------------
export const EVENT_TYPES = ['stage-start', 'stage-progress', 'stage-done', 'stage-failed', 'info', 'warning', 'result'] as const;

export const eventSchema = strict({
  schemaVersion: z.literal(1),
  time: z.iso.datetime(),
  type: z.enum(EVENT_TYPES),
  stage: z.string().optional(),
  step: z.number().int().min(1).optional(),
  detail: z.string().optional(),
  bytes: z.number().int().optional(),
  total: z.number().int().optional(),
  seconds: z.number().optional(),
  document: jsonDocumentSchema.optional(),
});

/** Any command's document, for the code that assembles it (validation uses the per-command schemas). */
export const anyDocumentSchema = strict({ ...envelope, command: z.enum(COMMANDS), ...documentFields });

export type JsonDocument = z.output<typeof anyDocumentSchema>;
export type DocumentFields = z.output<typeof documentFieldsSchema>;
export type PlanJson = z.output<typeof planJson>;
export type ProgressEvent = z.output<typeof eventSchema>;
