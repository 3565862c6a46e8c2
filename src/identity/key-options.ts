/**
 * The options field of an authorized_keys line (`command="...",no-pty ssh-ed25519 AAAA... c`), split
 * the way sshd's auth_parse_options reads it, and the rule that decides whether a key may lose its
 * options when it moves to the NestOS user `nest`.
 *
 * Why restricted keys are not carried at all: Ignition writes the keys we add without options, so
 * carrying `command="backup.sh",from="10.0.0.5" ssh-ed25519 ...` would turn a key that could only
 * start a backup from one address into a full, passwordless-sudo login from anywhere. Carrying the
 * options instead is no better: a forced command or a `from=` list written for the old host rarely
 * means the same on NestOS. So a key keeps its way in only when dropping its options cannot give it
 * more than it had; every other one is reported, never silently widened.
 */

export interface KeyOption {
  /** Lower case: sshd compares option names without regard to case. */
  name: string;
  value?: string;
}

export type SplitLine = { options: KeyOption[]; keyText: string } | { problem: string };

/**
 * Options whose removal cannot widen access: the re-enabling counterparts of `restrict` (no-ops
 * without it), `environment` (dropping variables grants nothing) and `no-touch-required` (dropping
 * it makes a FIDO key stricter, not looser).
 */
const HARMLESS_TO_DROP = new Set([
  'agent-forwarding',
  'port-forwarding',
  'pty',
  'user-rc',
  'x11-forwarding',
  'environment',
  'no-touch-required',
]);

/** Key types appear first when a line has no options (sshd tries the line as a bare key first). */
const KEY_TYPE_START = /^(ssh-|ecdsa-sha2-|sk-)/;

/** Splits off the options field; a line without one gets an empty list. */
export function splitKeyLine(line: string): SplitLine {
  const text = line.trim();
  if (KEY_TYPE_START.test(text)) return { options: [], keyText: text };
  const options: KeyOption[] = [];
  let i = 0;
  for (;;) {
    const name = /^[A-Za-z0-9-]+/.exec(text.slice(i));
    if (name === null) return { problem: 'malformed key options' };
    i += name[0].length;
    const option: KeyOption = { name: name[0].toLowerCase() };
    if (text[i] === '=') {
      if (text[i + 1] !== '"') return { problem: `key option ${option.name} has an unquoted value` };
      let value = '';
      i += 2;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && text[i + 1] === '"') i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) return { problem: 'unterminated quote in the key options' };
      i++;
      option.value = value;
    }
    options.push(option);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === ' ' || text[i] === '\t') return { options, keyText: text.slice(i).trim() };
    return { problem: 'malformed key options' };
  }
}

/** Why a key with these options is not carried, or undefined when it can be. Names only: values may hold secrets. */
export function restrictionOf(options: readonly KeyOption[]): string | undefined {
  const binding = [...new Set(options.map((o) => o.name).filter((n) => !HARMLESS_TO_DROP.has(n)))];
  if (binding.length === 0) return undefined;
  if (binding.includes('cert-authority')) return 'a certificate authority, not a login key (NestOS would need TrustedUserCAKeys)';
  return `a restricted key (${binding.join(', ')}): without its options it would give more access than it has now`;
}
