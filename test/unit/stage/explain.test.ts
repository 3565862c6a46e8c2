import { describe, expect, it } from 'vitest';
import { explainLoadFailure, SIGNATURE_REMEDY } from '../../../src/stage/explain.js';

// kexec-tools prints the errno text of the failed system call (strerror), e.g.
// "kexec_file_load failed: Key was rejected by service".
const refusals = [
  ['EKEYREJECTED', 'kexec_file_load failed: Key was rejected by service'],
  ['EPERM', 'kexec_file_load failed: Operation not permitted'],
  ['EBADMSG', 'kexec_file_load failed: Bad message'],
  ['ENOKEY', 'kexec_file_load failed: Required key not available'],
  ['ENODATA', 'kexec_file_load failed: No data available'],
  ['ENOPKG', 'kexec_file_load failed: Package not installed'],
  ['EPERM (kexec_load)', 'kexec_load failed: Operation not permitted'],
] as const;

describe('a refused load under lockdown', () => {
  for (const [errno, stderr] of refusals) {
    for (const lockdown of ['integrity', 'confidentiality'] as const) {
      it(`${errno} with lockdown=${lockdown}: the signature was refused, nothing to retry, what would work`, () => {
        const why = explainLoadFailure(stderr, 255, { lockdown, secureBoot: true });
        expect(why.retryOther).toBe(false);
        expect(why.why).toBe(
          `this kernel (lockdown=${lockdown}, Secure Boot on) only loads kernels signed with a key it trusts, and it refused the NestOS live kernel's signature; nothing was loaded`,
        );
        expect(why.remedy).toBe(SIGNATURE_REMEDY);
        expect(why.remedy).toMatch(/mokutil --import/);
        expect(why.remedy).toMatch(/disable Secure Boot/);
        expect(why.remedy).toMatch(/live ISO/);
      });
    }
  }
});

describe('the same errors without lockdown', () => {
  it('EPERM is a permission problem another method may get past', () => {
    const why = explainLoadFailure('kexec_file_load failed: Operation not permitted', 255, { lockdown: 'none', secureBoot: false });
    expect(why).toMatchObject({ retryOther: true });
    expect(why.why).toMatch(/does not permit kexec now/);
  });

  it('a rejected key or a bad signature is still a signature refusal (CONFIG_KEXEC_SIG_FORCE), with the same remedies', () => {
    for (const stderr of ['kexec_file_load failed: Key was rejected by service', 'kexec_file_load failed: Bad message']) {
      const why = explainLoadFailure(stderr, 255, { lockdown: 'none' });
      expect(why).toMatchObject({ retryOther: false, remedy: SIGNATURE_REMEDY });
      expect(why.why).toMatch(/signature/);
    }
  });

  it('out of memory under lockdown is still out of memory', () => {
    expect(explainLoadFailure('', 137, { lockdown: 'integrity' }).why).toMatch(/out-of-memory/);
    expect(explainLoadFailure('kexec_file_load failed: Cannot allocate memory', 255, { lockdown: 'integrity' }).why).toMatch(
      /not enough memory/,
    );
  });
});
