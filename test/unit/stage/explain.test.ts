// Each way a kexec load fails, as a table: what kexec-tools printed (the strerror text of the failed
// system call, or its symbolic errno), its exit code and the kernel's lockdown state → the one-line
// explanation the user reads, what to do, and whether the other load method is worth a try.
import { describe, expect, it } from 'vitest';
import { explainLoadFailure, SIGNATURE_REMEDY, type LoadContext } from '../../../src/stage/explain.js';

const SIGNATURE = "the kernel refused the NestOS kernel's signature (Secure Boot / lockdown only loads kernels signed with a trusted key)";
const NOT_PERMITTED = {
  why: 'the kernel does not permit kexec now (lockdown, kexec_load_disabled, or a security module)',
  remedy: 'check /sys/kernel/security/lockdown and /proc/sys/kernel/kexec_load_disabled; disable Secure Boot or reboot without the sysctl',
  retryOther: true,
};
const WRONG_FORMAT = {
  why: 'this load method does not accept the NestOS kernel image',
  remedy: 'try again with the other method; if both fail, report the kernel release and the log',
  retryOther: true,
};
const NO_MEMORY = {
  why: 'not enough memory to load the live system',
  remedy: 'free memory (stop services) or use --rootfs-mode url so the initrd is small',
  retryOther: true,
};
const NO_SYSCALL = {
  why: 'this kernel was built without this kexec system call',
  remedy: 'the other load method may work; otherwise boot a kernel with CONFIG_KEXEC',
  retryOther: true,
};
const BUSY = { why: 'another kexec operation is in progress', remedy: 'wait, run `x2nestos abort`, and try again', retryOther: false };
const OOM_KILLED = {
  why: 'kexec was killed, most likely by the out-of-memory killer',
  remedy: 'free memory or use --rootfs-mode url so the initrd is small',
  retryOther: true,
};
const REFUSED = { why: SIGNATURE, remedy: SIGNATURE_REMEDY, retryOther: false };

const unlocked: LoadContext = { lockdown: 'none', secureBoot: false };

// [what kexec printed, exit code, explanation], without lockdown.
// prettier-ignore
const ROWS: [string, number, { why: string; remedy: string; retryOther: boolean }][] = [
  ['kexec_file_load failed: Key was rejected by service', 255, REFUSED],
  ['kexec_file_load failed: Required key not available', 255, REFUSED],
  ['kexec_file_load failed: EKEYREJECTED', 255, REFUSED],
  ['kexec_file_load failed: ENOKEY', 255, REFUSED],
  ['kexec_file_load failed: Bad message', 255, REFUSED],
  ['kexec_file_load failed: EBADMSG', 255, REFUSED],
  ['PE-COFF signature verification failed', 255, REFUSED],
  ['kexec_file_load failed: Operation not permitted', 255, NOT_PERMITTED],
  ['kexec_load failed: EPERM', 255, NOT_PERMITTED],
  ['kexec_file_load failed: Exec format error', 255, WRONG_FORMAT],
  ['kexec_file_load failed: ENOEXEC', 255, WRONG_FORMAT],
  ['kexec_load failed: Invalid argument', 255, WRONG_FORMAT],
  ['kexec_load failed: EINVAL', 255, WRONG_FORMAT],
  ['Cannot determine the file type of /w/staged/vmlinuz', 255, WRONG_FORMAT],
  ['/w/staged/vmlinuz is not a valid bzImage', 255, WRONG_FORMAT],
  ['kexec_load failed: Cannot allocate memory', 255, NO_MEMORY],
  ['kexec_load failed: ENOMEM', 255, NO_MEMORY],
  ['Out of memory', 255, NO_MEMORY],
  ['Killed', 255, NO_MEMORY],
  ['kexec_file_load failed: Function not implemented', 255, NO_SYSCALL],
  ['kexec_file_load failed: ENOSYS', 255, NO_SYSCALL],
  ['kexec_load failed: Device or resource busy', 255, BUSY],
  ['kexec_load failed: EBUSY', 255, BUSY],
  ['', 137, OOM_KILLED],
  // An unsigned kernel is only refused under lockdown: without it, these say nothing more than the exit code.
  ['kexec_file_load failed: No data available', 255, { why: 'kexec failed (exit 255)', remedy: 'see the kexec message and the kernel log (dmesg) in the details, then report it with the log', retryOther: true }],
  ['kexec: something new', 3, { why: 'kexec failed (exit 3)', remedy: 'see the kexec message and the kernel log (dmesg) in the details, then report it with the log', retryOther: true }],
];

describe('why a load failed, without lockdown', () => {
  it.each(ROWS)('%j (exit %i)', (stderr, exitCode, want) => {
    expect(explainLoadFailure(stderr, exitCode, unlocked)).toEqual(want);
  });

  it('the same without any lockdown reading at all', () => {
    expect(explainLoadFailure('kexec_load failed: Operation not permitted', 255)).toEqual(NOT_PERMITTED);
  });
});

// Under lockdown, kexec_file_load refuses a kernel it cannot verify with EPERM, or with the
// verifier's own errno (CONFIG_KEXEC_SIG_FORCE); kexec_load is refused with EPERM outright.
// prettier-ignore
const SIGNATURE_REFUSALS = [
  'kexec_file_load failed: Key was rejected by service',
  'kexec_file_load failed: EKEYREJECTED',
  'kexec_file_load failed: Required key not available',
  'kexec_file_load failed: ENOKEY',
  'kexec_file_load failed: Bad message',
  'kexec_file_load failed: EBADMSG',
  'kexec_file_load failed: No data available',
  'kexec_file_load failed: ENODATA',
  'kexec_file_load failed: Package not installed',
  'kexec_file_load failed: ENOPKG',
  'kexec_file_load failed: Operation not permitted',
  'kexec_load failed: EPERM',
];

// [lockdown, Secure Boot, the state the explanation names]
const LOCKED: [LoadContext['lockdown'], boolean | undefined, string][] = [
  ['integrity', true, 'lockdown=integrity, Secure Boot on'],
  ['confidentiality', true, 'lockdown=confidentiality, Secure Boot on'],
  ['integrity', false, 'lockdown=integrity'],
  ['confidentiality', undefined, 'lockdown=confidentiality'],
];

describe('a refused load under lockdown: the signature, nothing to retry, what would work', () => {
  const rows = LOCKED.flatMap(([lockdown, secureBoot, state]) =>
    SIGNATURE_REFUSALS.map((stderr) => [state, stderr, lockdown, secureBoot] as const),
  );
  it.each(rows)('%s: %j', (state, stderr, lockdown, secureBoot) => {
    expect(explainLoadFailure(stderr, 255, { lockdown, secureBoot })).toEqual({
      why: `this kernel (${state}) only loads kernels signed with a key it trusts, and it refused the NestOS live kernel's signature; nothing was loaded`,
      remedy: SIGNATURE_REMEDY,
      retryOther: false,
    });
  });

  it('names the three ways out', () => {
    expect(SIGNATURE_REMEDY).toBe(
      'enrol the certificate that signed the NestOS kernel with `mokutil --import <cert.der>` and confirm it at the next boot, or disable Secure Boot in the firmware setup, or boot the NestOS live ISO from virtual media instead of converting in place',
    );
  });

  // prettier-ignore
  it.each([
    ['', 137, OOM_KILLED],
    ['kexec_file_load failed: Cannot allocate memory', 255, NO_MEMORY],
    ['kexec_file_load failed: Exec format error', 255, WRONG_FORMAT],
    ['kexec_load failed: Device or resource busy', 255, BUSY],
  ] as const)('what is no refusal stays itself under lockdown: %j (exit %i)', (stderr, exitCode, want) => {
    expect(explainLoadFailure(stderr, exitCode, { lockdown: 'integrity', secureBoot: true })).toEqual(want);
  });
});
