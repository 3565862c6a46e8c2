/**
 * Why a kexec load failed, in words a user can act on: from kexec's stderr (errno text) and the
 * kernel's own state, read again at the moment of failure.
 */
interface Cause {
  match: RegExp;
  why: string;
  remedy: string;
  /** Another load method may succeed where this one failed. */
  retryOther: boolean;
}

const CAUSES: Cause[] = [
  { match: /Key was rejected|Required key not available|EKEYREJECTED|ENOKEY|signature/i, why: 'the kernel refused the NestOS kernel\'s signature (Secure Boot / lockdown only loads kernels signed with a trusted key)', remedy: 'disable Secure Boot in the firmware setup, or enroll the NestOS signing key, then run again', retryOther: false },
  { match: /Operation not permitted|EPERM/i, why: 'the kernel does not permit kexec now (lockdown, kexec_load_disabled, or a security module)', remedy: 'check /sys/kernel/security/lockdown and /proc/sys/kernel/kexec_load_disabled; disable Secure Boot or reboot without the sysctl', retryOther: true },
  { match: /Exec format error|ENOEXEC|Invalid argument|EINVAL|Cannot determine the file type|not a valid/i, why: 'this load method does not accept the NestOS kernel image', remedy: 'try again with the other method; if both fail, report the kernel release and the log', retryOther: true },
  { match: /Cannot allocate memory|ENOMEM|Out of memory|Killed/i, why: 'not enough memory to load the live system', remedy: 'free memory (stop services) or use --rootfs-mode url so the initrd is small', retryOther: true },
  { match: /Function not implemented|ENOSYS/i, why: 'this kernel was built without this kexec system call', remedy: 'the other load method may work; otherwise boot a kernel with CONFIG_KEXEC', retryOther: true },
  { match: /Device or resource busy|EBUSY/i, why: 'another kexec operation is in progress', remedy: 'wait, run `x2nestos abort`, and try again', retryOther: false },
];

export interface Explanation {
  why: string;
  remedy: string;
  retryOther: boolean;
}

export function explainLoadFailure(stderr: string, exitCode: number): Explanation {
  if (exitCode === 137) return { why: 'kexec was killed, most likely by the out-of-memory killer', remedy: 'free memory or use --rootfs-mode url so the initrd is small', retryOther: true };
  const hit = CAUSES.find((c) => c.match.test(stderr));
  if (hit) return { why: hit.why, remedy: hit.remedy, retryOther: hit.retryOther };
  return { why: `kexec failed (exit ${exitCode})`, remedy: 'see the kexec message and the kernel log (dmesg) in the details, then report it with the log', retryOther: true };
}
