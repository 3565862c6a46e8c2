/**
 * Steps 1, 5, 6 and 7: the summary of the host (problems first, with their fixes), the network
 * question, saving the answers, and the screen before the switch.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { askNetwork } from '../../../src/guided/network.js';
import { renderNextSteps } from '../../../src/guided/next-steps.js';
import { preflight } from '../../../src/guided/preflight.js';
import { isPromptInterrupt } from '../../../src/guided/prompter.js';
import { askSave } from '../../../src/guided/save.js';
import { renderSummary } from '../../../src/guided/summary.js';
import { english } from '../../../src/i18n/translate.js';
import type { NetworkModel } from '../../../src/network/model.js';
import { validateOptions } from '../../../src/options/load.js';
import { planConversion } from '../../../src/plan/plan.js';
import { DNF_KEXEC, HOST_KEXEC, hostFacts, release } from '../plan/host.js';
import { answer, drive, shows } from './drive.js';
import { stat } from 'node:fs/promises';

const network: NetworkModel = {
  interfaces: [
    {
      name: 'eth0',
      kind: 'ethernet',
      mac: 'fa:16:3e:5c:21:0a',
      addresses: [
        { family: 6, address: '2001:db8::21', prefix: 64, method: 'static' },
        { family: 4, address: '192.168.10.21', prefix: 24, method: 'static' },
        { family: 6, address: 'fe80::f816:3eff:fe5c:210a', prefix: 64, method: 'link-local' },
      ],
      routes: [{ family: 4, destination: 'default', gateway: '192.168.10.1' }],
      ipv4Method: 'manual',
      ipv6Method: 'manual',
    },
  ],
  dns: { servers: ['192.168.10.2'], search: [] },
  notCarried: [],
  primary: 'eth0',
};
const facts = hostFacts({ network });
const run = {
  kexecTool: { tool: HOST_KEXEC, blockers: [] },
  workDir: '/var/lib/x2nestos',
  toolVersion: '0.2.0',
  purpose: 'convert' as const,
};

describe('guided: summary', () => {
  it('shows what was detected, kexec readiness included', () => {
    const text = renderSummary(facts, preflight(facts, validateOptions({}), run), HOST_KEXEC, english);
    expect(text).not.toContain('cannot be converted');
    expect(text).toContain('System    openEuler 22.03 (LTS-SP3) (yum), x86_64, BIOS, kernel 5.10.0-182.0.0.95.oe2203sp3.x86_64, kvm');
    expect(text).toContain('Memory    4.0 GiB, 3.0 GiB available');
    expect(text).toContain('Disks     /dev/vda 20.0 GiB (the disk behind /); /dev/vdb 10.0 GiB');
    expect(text).toContain('Network   eth0 2001:db8::21/64 static, 192.168.10.21/24 static, gateway 192.168.10.1; DNS 192.168.10.2');
    expect(text).toContain('kexec     ready: kexec_file_load, falling back to kexec_load; kexec-tools installed');
  });

  it('puts the problems first, each with how to fix it, and leaves the disk to its own question', () => {
    const blocked = hostFacts({
      isRoot: false,
      container: 'docker',
      kexec: { ...facts.kexec, loadDisabled: true, secureBoot: true, lockdown: 'integrity' },
      workDirFsType: 'tmpfs',
      rootDisk: { ok: false, reason: '/ is on the multipath device mpatha' },
    });
    const pre = preflight(blocked, validateOptions({}), { ...run, kexecTool: { tool: DNF_KEXEC, blockers: [] } });
    const text = renderSummary({ ...blocked, packageTool: 'dnf' }, pre, DNF_KEXEC, english);
    const lines = text.split('\n');
    expect(lines[0]).toBe('This host cannot be converted until these are fixed:');
    expect(text).toContain(
      '  ✗ running inside a container (docker); kexec needs the host itself\n    → run x2nestos on the host, not in a container',
    );
    expect(text).toContain('  ✗ converting needs root\n    → run it with sudo');
    expect(text).toContain('  ✗ kexec is disabled on this kernel until the next boot (kernel.kexec_load_disabled = 1)');
    expect(text).toContain('pass --work-dir on a disk-backed filesystem');
    expect(text).not.toContain('multipath'); // asked about at the disk question
    expect(text.indexOf('✗')).toBeLessThan(text.indexOf('Detected on this host'));
    expect(text).toContain(
      'kexec     blocked (see above); kexec-tools will be installed with dnf; Secure Boot on; kernel lockdown integrity',
    );
  });
});

describe('guided: network step', () => {
  it("keeps this host's configuration by default, described", async () => {
    const d = await drive();
    const step = askNetwork(d.ask, english, network);
    const p = await d.next();
    expect(
      shows(
        p,
        "❯ Keep this host's configuration: eth0 2001:db8::21/64 static, 192.168.10.21/24 static, gateway 192.168.10.1; DNS 192.168.10.2",
      ),
    ).toBe(true);
    expect(shows(p, 'addresses, routes and DNS stay as they are')).toBe(true);
    expect(shows(p, 'DHCP on eth0')).toBe(true);
    p.events.keypress('enter');
    await expect(step).resolves.toBe('keep');
  });

  it('takes DHCP when chosen, and Ctrl-C as an interrupt', async () => {
    const d = await drive();
    const step = askNetwork(d.ask, english, network);
    const p = await d.next();
    p.events.keypress('down');
    expect(shows(p, 'only if a DHCP server on this network answers')).toBe(true);
    p.events.keypress('enter');
    await expect(step).resolves.toBe('dhcp');
    const d2 = await drive();
    const again = askNetwork(d2.ask, english, network);
    (await d2.next()).events.keypress({ name: 'c', ctrl: true });
    expect(isPromptInterrupt(await again.catch((x: unknown) => x))).toBe(true);
  });
});

describe('guided: saving the answers', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'x2nestos-guided-save-'));
  const checks = {
    cwd: dir,
    kindOf: (p: string) =>
      stat(p).then(
        (s) => (s.isDirectory() ? ('dir' as const) : ('file' as const)),
        () => undefined,
      ),
  };

  it('saves nothing unless asked', async () => {
    const d = await drive();
    const step = askSave(d.ask, english, checks);
    (await d.next()).events.keypress('enter');
    await expect(step).resolves.toBeUndefined();
  });

  it('refuses a file that exists and a directory that does not', async () => {
    writeFileSync(path.join(dir, 'taken.yaml'), 'x');
    const d = await drive();
    const step = askSave(d.ask, english, checks);
    answer(await d.next(), 'y');
    const file = await d.next();
    expect(shows(file, `File to save the answers in (${path.join(dir, 'x2nestos-answers.yaml')})`)).toBe(true);
    answer(file, 'taken.yaml');
    await vi.waitFor(() => expect(shows(file, `${path.join(dir, 'taken.yaml')} exists already: choose another name`)).toBe(true));
    for (let i = 0; i < 'taken.yaml'.length; i++) file.events.keypress('backspace');
    answer(file, 'nowhere/a.yaml');
    await vi.waitFor(() => expect(shows(file, `${path.join(dir, 'nowhere')} is not a directory`)).toBe(true));
    for (let i = 0; i < 'nowhere/a.yaml'.length; i++) file.events.keypress('backspace');
    file.events.keypress('enter');
    await expect(step).resolves.toBe(path.join(dir, 'x2nestos-answers.yaml'));
  });
});

describe('guided: the screen before the switch', () => {
  const planFor = (options: Record<string, unknown>) =>
    planConversion({
      facts,
      options: validateOptions({ ignition: '/x.ign', ...options }),
      release: release(),
      ignition: {
        source: '/x.ign',
        sha256: 'a'.repeat(64),
        specVersion: '3.2.0',
        sshKeys: [],
        passwordUsers: [],
        warnings: [],
        additions: [],
        identityNotes: [],
      },
      destIgnition: Buffer.from('{"ignition":{"version":"3.2.0"}}'),
      userKeyfiles: [],
      kexecTool: HOST_KEXEC,
      kexecToolBlockers: [],
      workDir: '/var/lib/x2nestos',
      toolVersion: '0.2.0',
      purpose: 'convert',
    }).plan;

  it('says what happens, how long it takes, how to reach NestOS and where the log is', () => {
    const text = renderNextSteps({ plan: planFor({}), network, passwordSet: true, logPath: '/var/lib/x2nestos/x2nestos.log' }, english);
    expect(text).toContain('The installer writes NestOS 24.03-LTS.20240625.0 to /dev/disk/by-id/virtio-HOSTDISK1 and reboots into it.');
    expect(text).toContain('This usually takes 5 to 15 minutes');
    expect(text).toContain("The installer's progress shows on the console (tty0, ttyS0,115200n8).");
    expect(text).toContain('  ssh nest@192.168.10.21\n  ssh nest@2001:db8::21\n');
    expect(text).not.toContain('fe80');
    expect(text).toContain('on the console: log in as nest with the password you chose');
    expect(text).toContain('  /var/lib/x2nestos/x2nestos.log\n  (it is on the disk NestOS replaces: copy it elsewhere now to keep it)');
  });

  it('with DHCP, does not promise the old address', () => {
    const text = renderNextSteps({ plan: planFor({ network: 'dhcp' }), network, passwordSet: false, logPath: undefined }, english);
    expect(text).toContain('ssh nest@<the address DHCP gives it>');
    expect(text).toContain('(by DHCP: today this host has 192.168.10.21, 2001:db8::21; NestOS may get another address)');
    expect(text).not.toContain('password you chose');
  });
});
