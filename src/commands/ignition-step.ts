/**
 * The destination Ignition config: loaded, validated with Ignition 2.14's rules, given the host's
 * identity where asked, and checked for lock-out. Contents are never logged: only size and hash.
 */
import { createHash } from 'node:crypto';
import { X2Error } from '../errors.js';
import { readFileBounded } from '../effects/bounded-read.js';
import { loadIgnition } from '../ignition/source.js';
import { validateIgnition } from '../ignition/validate.js';
import { assertNotLockedOut, passwordUsers, plainTextPasswordUsers, sshKeyProblemsOf } from '../ignition/access.js';
import { applyIdentity } from '../identity/apply.js';
import { withUnits } from '../ignition/augment.js';
import { INSTALL_RECORD_DEST_UNIT, INSTALL_RECORD_DEST_UNIT_TEXT, JOURNAL_IDENTIFIER } from '../payload/install-record.js';
import { inheritableKeys } from '../identity/authorized-keys.js';
import { hostKeys } from '../identity/host-keys.js';
import type { HostFacts } from '../facts/types.js';
import type { IgnitionSummary } from '../plan/types.js';
import type { Context } from './context.js';

export interface PreparedIgnition {
  summary: IgnitionSummary;
  /** The exact bytes the installed system will get. */
  bytes: Uint8Array;
}

/** The config as given, valid by Ignition's rules: needs nothing from the host, so it starts with the run. */
export interface CheckedIgnition {
  loaded: Awaited<ReturnType<typeof loadIgnition>>;
  report: ReturnType<typeof validateIgnition>;
}

/** Loads --ignition and validates it; `signal` ends a fetch still running. */
export async function checkIgnition(ctx: Pick<Context, 'options' | 'effects'>, signal: AbortSignal): Promise<CheckedIgnition> {
  const { options } = ctx;
  const source = options.ignition as string;
  const loaded = await loadIgnition(
    source,
    { http: ctx.effects.http, readFile: readFileBounded, timeoutMs: options.ignitionTimeout * 1000, signal },
    { allowHttp: options.allowHttpIgnition },
  );
  const report = validateIgnition(loaded.text);
  if (!report.ok || !report.config) {
    const first = report.errors[0];
    const more = report.errors.length > 1 ? ` (and ${report.errors.length - 1} more)` : '';
    throw new X2Error(
      'ignition',
      `the Ignition config ${source} is invalid: ${first ? `${first.path}: ${first.message}` : 'unknown error'}${more}`,
      {
        remedy: 'fix the config (`ignition-validate` reports the same errors) and run again',
        details: report.errors.map((e) => `${e.path}: ${e.message}`),
      },
    );
  }
  return { loaded, report };
}

/** Adds this host's identity as the options ask, validates again and checks for lock-out. */
export async function finishIgnition(ctx: Context, facts: HostFacts, { loaded, report }: CheckedIgnition): Promise<PreparedIgnition> {
  const { options } = ctx;
  const source = options.ignition as string;
  const identity = await gatherIdentity(ctx, facts);
  const identified = applyIdentity(loaded.text, identity);
  const additions = identified.additions;
  // NestOS's first boot logs how it was installed (src/payload/install-record.ts).
  const unit = INSTALL_RECORD_DEST_UNIT;
  const text = withUnits(identified.text, [{ name: unit, contents: INSTALL_RECORD_DEST_UNIT_TEXT }]);
  if (text !== identified.text) {
    const identifier = JOURNAL_IDENTIFIER;
    additions.push(`unit ${unit}: logs at the first boot how this system was installed (journalctl -t ${identifier})`);
  }
  const finalReport = text === loaded.text ? report : validateIgnition(text);
  if (!finalReport.ok || !finalReport.config) {
    throw new X2Error('internal', 'the Ignition config stopped validating after x2nestos added to it', {
      details: finalReport.errors.map((e) => `${e.path}: ${e.message}`),
    });
  }
  const keys = assertNotLockedOut(finalReport.config, { allowNoSshKey: options.allowNoSshKey });
  const bytes = Buffer.from(text);
  ctx.log.write(`ignition: ${source} (${bytes.length} bytes, sha256 ${loaded.sha256}), ${keys.length} SSH key(s)`);
  return {
    bytes,
    summary: {
      source: loaded.source,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      specVersion: finalReport.version,
      sshKeys: keys.map((k) => ({
        ...k,
        origin: identity.keys.some((i) => i.fingerprint === k.fingerprint) ? ('inherited' as const) : ('config' as const),
      })),
      passwordUsers: passwordUsers(finalReport.config),
      warnings: [...finalReport.warnings.map((w) => `${w.path}: ${w.message}`), ...accessWarnings(finalReport.config)],
      additions,
      identityNotes: identity.notes,
    },
  };
}

/** Keys and passwords that will not work as the user surely expects; said on the terminal with the plan. */
function accessWarnings(config: Record<string, unknown>): string[] {
  return [
    ...sshKeyProblemsOf(config).map((p) => `user "${p.user}", sshAuthorizedKeys[${p.index}] is not usable: ${p.reason}`),
    ...plainTextPasswordUsers(config).map(
      (user) =>
        `user "${user}": passwordHash is not a crypt(3) hash, so no password will open this account on a console (make one with \`openssl passwd -6\`)`,
    ),
  ];
}

/** What of this host's identity goes into the destination config, as the options ask. */
async function gatherIdentity(ctx: Context, facts: HostFacts): Promise<Parameters<typeof applyIdentity>[1] & { notes: string[] }> {
  const host = { runner: ctx.effects.runner, fs: ctx.effects.fs };
  const inherited = ctx.options.inheritSshKeys ? await inheritableKeys(host) : { keys: [], notes: [] };
  const hostKeyFiles = ctx.options.keepHostKeys ? await hostKeys(host) : { files: [], notes: [] };
  const wanted = ctx.options.keepHostname && facts.hostname !== '' && facts.hostname !== 'localhost';
  const valid = isValidHostname(facts.hostname);
  const nameNotes =
    wanted && !valid
      ? [`the hostname ${JSON.stringify(facts.hostname)} is not a valid hostname, so it is not carried (set /etc/hostname in your config)`]
      : [];
  return {
    keys: inherited.keys,
    hostKeyFiles: hostKeyFiles.files,
    ...(wanted && valid ? { hostname: facts.hostname } : {}),
    notes: [...inherited.notes, ...hostKeyFiles.notes, ...nameNotes],
  };
}

/**
 * What NestOS can take as /etc/hostname: RFC 1123 labels (letters, digits, inner hyphens, 1-63
 * each), at most 64 characters in all (the kernel's HOST_NAME_MAX).
 */
export function isValidHostname(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  return name.split('.').every((label) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}
