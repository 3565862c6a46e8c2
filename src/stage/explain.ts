/**
 * Why a kexec load failed, in words a user can act on: from kexec's stderr (errno text) and the
 * kernel's own state, read again at the moment of failure.
 */
/** What the kernel said about lockdown when the load failed; it changes what EPERM means. */
export interface LoadContext {
  lockdown?: 'none' | 'integrity' | 'confidentiality' | undefined;
  secureBoot?: boolean | undefined;
}

/**
 * Under lockdown, kexec_file_load answers a kernel whose signature it cannot verify with EPERM
 * (kernel/kexec_file.c: verification failed and lockdown forbids unsigned kexec) or, with
 * CONFIG_KEXEC_SIG_FORCE, with the verifier's own error: EKEYREJECTED (signed, untrusted key),
 * ENOKEY (no such key), EBADMSG (malformed signature), ENODATA / ENOPKG (unsigned). kexec_load is
 * refused with EPERM outright. Retrying the other method cannot help: lockdown refuses both.
 */
const SIGNATURE_REFUSAL =
  /Key was rejected|EKEYREJECTED|Required key not available|ENOKEY|Bad message|EBADMSG|No data available|ENODATA|Package not installed|ENOPKG|Operation not permitted|EPERM/i;

export const SIGNATURE_REMEDY =
  'enrol the certificate that signed the NestOS kernel with `mokutil --import <cert.der>` and confirm it at the next boot, or disable Secure Boot in the firmware setup, or boot the NestOS live ISO from virtual media instead of converting in place';

function signatureWhy(ctx: LoadContext): string {
  const state = `lockdown=${ctx.lockdown ?? 'unknown'}${ctx.secureBoot ? ', Secure Boot on' : ''}`;
  return `this kernel (${state}) only loads kernels signed with a key it trusts, and it refused the NestOS live kernel's signature; nothing was loaded`;
}

interface Cause {
  match: RegExp;
  why: string;
  remedy: string;
  /** Another load method may succeed where this one failed. */
  retryOther: boolean;
}

const CAUSES: Cause[] = [
  {
    match: /Key was rejected|Required key not available|EKEYREJECTED|ENOKEY|Bad message|EBADMSG|signature/i,
    why: "the kernel refused the NestOS kernel's signature (Secure Boot / lockdown only loads kernels signed with a trusted key)",
    remedy: SIGNATURE_REMEDY,
    retryOther: false,
  },
  {
    match: /Operation not permitted|EPERM/i,
    why: 'the kernel does not permit kexec now (lockdown, kexec_load_disabled, or a security module)',
    remedy:
      'check /sys/kernel/security/lockdown and /proc/sys/kernel/kexec_load_disabled; disable Secure Boot or reboot without the sysctl',
    retryOther: true,
  },
  {
    match: /Exec format error|ENOEXEC|Invalid argument|EINVAL|Cannot determine the file type|not a valid/i,
    why: 'this load method does not accept the NestOS kernel image',
    remedy: 'try again with the other method; if both fail, report the kernel release and the log',
    retryOther: true,
  },
  {
    match: /Cannot allocate memory|ENOMEM|Out of memory|Killed/i,
    why: 'not enough memory to load the live system',
    remedy: 'free memory (stop services) or use --rootfs-mode url so the initrd is small',
    retryOther: true,
  },
  {
    match: /Function not implemented|ENOSYS/i,
    why: 'this kernel was built without this kexec system call',
    remedy: 'the other load method may work; otherwise boot a kernel with CONFIG_KEXEC',
    retryOther: true,
  },
  {
    match: /Device or resource busy|EBUSY/i,
    why: 'another kexec operation is in progress',
    remedy: 'wait, run `x2nestos abort`, and try again',
    retryOther: false,
  },
];

export interface Explanation {
  why: string;
  remedy: string;
  retryOther: boolean;
}

export function explainLoadFailure(stderr: string, exitCode: number, ctx: LoadContext = {}): Explanation {
  const locked = ctx.lockdown === 'integrity' || ctx.lockdown === 'confidentiality';
  if (locked && SIGNATURE_REFUSAL.test(stderr)) return { why: signatureWhy(ctx), remedy: SIGNATURE_REMEDY, retryOther: false };
  if (exitCode === 137)
    return {
      why: 'kexec was killed, most likely by the out-of-memory killer',
      remedy: 'free memory or use --rootfs-mode url so the initrd is small',
      retryOther: true,
    };
  const hit = CAUSES.find((c) => c.match.test(stderr));
  if (hit) return { why: hit.why, remedy: hit.remedy, retryOther: hit.retryOther };
  return {
    why: `kexec failed (exit ${exitCode})`,
    remedy: 'see the kexec message and the kernel log (dmesg) in the details, then report it with the log',
    retryOther: true,
  };
}
