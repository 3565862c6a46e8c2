import { describe, expect, it } from 'vitest';
import { adapterFor } from '../../../distro-adapters/select.js';
import { chooseFamily, detectFamily } from '../../../src/facts/family.js';
import { osFactsOf, parseOsRelease } from '../../../src/facts/os-release.js';
import { fakeRunner } from './fake-runner.js';

const os = (text: string) => osFactsOf(parseOsRelease(text));
const RPM = { dnf: true, yum: true, aptGet: false };
const DEB = { dnf: false, yum: false, aptGet: true };
const NONE = { dnf: false, yum: false, aptGet: false };

// os-release files as the distributions ship them.
const OPENEULER = os('NAME="openEuler"\nVERSION="22.03 (LTS-SP3)"\nID="openEuler"\nVERSION_ID="22.03"\n');
const KYLIN_SERVER = os('NAME="Kylin Linux Advanced Server"\nVERSION="V10 (Lance)"\nID="kylin"\nVERSION_ID="V10"\n');
const KYLIN_DESKTOP = os('NAME="Kylin"\nVERSION="银河麒麟桌面操作系统V10 (SP1)"\nID=kylin\nID_LIKE=debian\nVERSION_ID="v10"\n');
const UOS_SERVER = os(
  'PRETTY_NAME="UnionTech OS Server 20"\nNAME="UnionTech OS Server 20"\nVERSION_ID="20"\nID="uos"\nPLATFORM_ID="platform:uelc20"\n',
);
const UOS_DESKTOP = os('PRETTY_NAME="UnionTech OS Desktop 20 Pro"\nNAME="uos"\nVERSION_ID="20"\nID=uos\n');
const DEEPIN = os('PRETTY_NAME="Deepin 20.9"\nNAME="Deepin"\nVERSION_ID="20.9"\nID=Deepin\n');
const ANOLIS = os('NAME="Anolis OS"\nID="anolis"\nID_LIKE="rhel fedora centos"\nVERSION_ID="8.6"\n');
const MINT = os('NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="21.3"\n');
const ALMA_LIKE = os('NAME="Some Rebuild"\nID="somerebuild"\nID_LIKE="rhel centos fedora"\n');
const ARCH = os('NAME="Arch Linux"\nID=arch\n');

describe('chooseFamily', () => {
  it('maps the yum family, preferring dnf over yum', () => {
    expect(chooseFamily(OPENEULER, RPM)).toEqual({ family: 'yum', packageTool: 'dnf' });
    expect(chooseFamily(OPENEULER, { dnf: false, yum: true, aptGet: false })).toEqual({ family: 'yum', packageTool: 'yum' });
    expect(chooseFamily(ANOLIS, RPM).family).toBe('yum');
    expect(chooseFamily(ALMA_LIKE, RPM).family).toBe('yum');
    for (const id of ['centos', 'rhel', 'rocky', 'almalinux', 'ol', 'fedora']) {
      expect(chooseFamily(os(`ID=${id}\n`), RPM).family).toBe('yum');
    }
  });

  it('maps the apt family, through ID_LIKE too', () => {
    expect(chooseFamily(os('ID=debian\n'), DEB)).toEqual({ family: 'apt', packageTool: 'apt-get' });
    expect(chooseFamily(os('ID=ubuntu\nID_LIKE=debian\n'), DEB).family).toBe('apt');
    expect(chooseFamily(MINT, DEB).family).toBe('apt');
    expect(chooseFamily(DEEPIN, DEB).family).toBe('apt');
  });

  it('lets the installed tools decide for IDs shared by rpm and deb editions', () => {
    expect(chooseFamily(KYLIN_SERVER, RPM).family).toBe('yum');
    expect(chooseFamily(KYLIN_DESKTOP, DEB).family).toBe('apt');
    expect(chooseFamily(UOS_SERVER, RPM).family).toBe('yum');
    expect(chooseFamily(UOS_DESKTOP, DEB).family).toBe('apt');
  });

  it('trusts os-release over stray tools (Debian with dnf installed for building rpms)', () => {
    expect(chooseFamily(os('ID=debian\n'), { dnf: true, yum: false, aptGet: true }).family).toBe('apt');
    expect(chooseFamily(OPENEULER, { dnf: true, yum: true, aptGet: true }).family).toBe('yum');
  });

  it('explains what is missing', () => {
    const noDnf = chooseFamily(OPENEULER, DEB);
    expect(noDnf.family === undefined && noDnf.reason).toMatch(/yum-family system but neither dnf nor yum is installed/);
    const noApt = chooseFamily(os('ID=ubuntu\n'), NONE);
    expect(noApt.family === undefined && noApt.reason).toMatch(/apt-family system but apt-get is not installed/);
    const both = chooseFamily(UOS_SERVER, { dnf: true, yum: false, aptGet: true });
    expect(both.family === undefined && both.reason).toMatch(/both dnf and apt-get/);
    const arch = chooseFamily(ARCH, NONE);
    expect(arch.family === undefined && arch.reason).toMatch(/Arch Linux \(ID=arch\), not a distribution x2nestos knows, has neither/);
  });

  it('accepts an unknown distribution that has exactly one supported tool', () => {
    expect(chooseFamily(os('ID=myos\n'), DEB)).toEqual({ family: 'apt', packageTool: 'apt-get' });
  });
});

describe('detectFamily and adapterFor', () => {
  it('asks the runner which tools are on PATH, then builds the adapter from what it found', async () => {
    const runner = fakeRunner([], { dnf: '/usr/bin/dnf', yum: '/usr/bin/yum' });
    const found = await detectFamily(KYLIN_SERVER, runner);
    expect(found).toEqual({ family: 'yum', packageTool: 'dnf' });
    const adapter = adapterFor(found.family, 'packageTool' in found ? found.packageTool : undefined);
    expect([adapter?.family, adapter?.packageTool]).toEqual(['yum', 'dnf']);
    expect(adapterFor('yum', 'yum')?.packageTool).toBe('yum');
    expect(adapterFor('apt', 'apt-get')?.family).toBe('apt');
  });

  it('has no adapter for an unsupported host, and the reason names what is missing', async () => {
    const found = await detectFamily(ARCH, fakeRunner());
    expect(found.family).toBeUndefined();
    expect('reason' in found ? found.reason : '').toMatch(/Arch Linux.*neither dnf\/yum nor apt-get/);
    expect(adapterFor(undefined, undefined)).toBeUndefined();
  });
});
