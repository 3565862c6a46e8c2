/**
 * Checks of what the user typed that need nothing from the host or the network, run before
 * anything is inspected or fetched: a mistake in a flag is said at once, not after minutes of
 * downloads (and a console or a karg that would reach the live kernel is refused before any of it).
 */
import { X2Error } from '../errors.js';
import { keyringFrom } from '../fetch/signature.js';
import { consoleProblems, userKargProblems } from '../payload/kargs.js';
import { globProblems } from '../plan/target.js';
import type { Blocker } from '../model/blocker.js';
import type { Context } from './context.js';

export async function preflight(ctx: Pick<Context, 'options' | 'effects'>): Promise<void> {
  const { options } = ctx;
  const problems: Blocker[] = [
    ...consoleProblems(options.console),
    ...userKargProblems(options.liveKarg, '--live-karg'),
    ...userKargProblems(options.appendKarg, '--append-karg'),
    ...globProblems(options.savePartlabel),
  ];
  const first = problems[0];
  if (first) throw new X2Error(first.kind, first.message, first.remedy ? { remedy: first.remedy } : {});
  if (options.signingKey) await checkSigningKey(options.signingKey, ctx);
}

/** --signing-key must be usable before the downloads it would check: readable, a public key, gpgv there. */
export async function checkSigningKey(keyFile: string, ctx: Pick<Context, 'effects'>): Promise<void> {
  const keyring = await keyringFrom(keyFile);
  if (!isPublicKeyPacket(keyring)) {
    throw new X2Error('usage', `--signing-key ${keyFile} is not an OpenPGP public key`, {
      remedy: 'export the key with `gpg --export --armor KEYID` and pass that file',
    });
  }
  if ((await ctx.effects.runner.which('gpgv')) === undefined) {
    throw new X2Error('precondition', 'gpgv is not installed, so --signing-key cannot be checked', {
      remedy: 'install gnupg (gpgv), or drop --signing-key',
    });
  }
}

/** The first packet of a key export is a public key (tag 6), in the old or the new packet format. */
function isPublicKeyPacket(bytes: Uint8Array): boolean {
  const first = bytes[0];
  if (first === undefined || (first & 0x80) === 0) return false;
  const tag = first & 0x40 ? first & 0x3f : (first >> 2) & 0x0f;
  return tag === 6;
}
