/**
 * The translator on real messages: composed by the real modules (planner, errors, commander), with
 * nested fragments, appended suffixes and data that must pass through untouched.
 */
import { describe, expect, it } from 'vitest';
import { Command, Option } from 'commander';
import { catalogTranslator, english, translatorFor } from '../../../src/i18n/translate.js';
import { langFlag, pickLanguage } from '../../../src/i18n/language.js';
import { displayWidth, padColumns } from '../../../src/i18n/width.js';
import { ZH } from '../../../src/i18n/zh/index.js';
import { renderPlan } from '../../../src/output/render-plan.js';
import { validateOptions } from '../../../src/options/load.js';
import { planConversion } from '../../../src/plan/plan.js';
import { throwFirstBlocker } from '../../../src/commands/plan.js';
import { DNF_KEXEC, hostFacts, release } from '../plan/host.js';

const zh = catalogTranslator('zh', ZH);
const CJK = /[\u4e00-\u9fff]/;

describe('language', () => {
  it('follows --lang, then LC_ALL / LC_MESSAGES / LANG as the runtime read them', () => {
    expect(pickLanguage(undefined, 'zh_CN.UTF-8')).toBe('zh');
    expect(pickLanguage(undefined, 'zh_CN')).toBe('zh');
    expect(pickLanguage(undefined, 'zh_Hans')).toBe('zh');
    expect(pickLanguage(undefined, 'zh')).toBe('zh');
    expect(pickLanguage(undefined, 'zh.UTF-8')).toBe('zh');
    expect(pickLanguage(undefined, 'en_US.UTF-8')).toBe('en');
    expect(pickLanguage(undefined, 'C.UTF-8')).toBe('en');
    expect(pickLanguage(undefined, 'zhx')).toBe('en');
    expect(pickLanguage(undefined, '')).toBe('en');
    expect(pickLanguage('en', 'zh_CN.UTF-8')).toBe('en');
    expect(pickLanguage('zh', 'C')).toBe('zh');
  });

  it('finds --lang on the command line before commander parses it', () => {
    expect(langFlag(['plan', '--lang', 'zh', '--json'])).toBe('zh');
    expect(langFlag(['plan', '--lang=en'])).toBe('en');
    expect(langFlag(['plan'])).toBeUndefined();
  });

  it('loads the Chinese catalog only when asked', async () => {
    expect(await translatorFor('en')).toBe(english);
    expect((await translatorFor('zh')).msg('converting needs root')).toBe('转换需要 root 权限');
  });
});

describe('translating composed messages', () => {
  it('passes English through in English, and data through untouched', () => {
    expect(english.msg('converting needs root')).toBe('converting needs root');
    expect(english.t('serial {serial}', { serial: 'X1' })).toBe('serial X1');
    expect(zh.msg('/dev/disk/by-id/virtio-0a5c3e2f9b8d47e1a6c3')).toBe('/dev/disk/by-id/virtio-0a5c3e2f9b8d47e1a6c3');
    expect(zh.msg('')).toBe('');
  });

  it('translates nested fragments and values', () => {
    expect(zh.msg('fetching the stream metadata of 2403-LTS from https://m/s.json failed after 3 attempts (no answer within 30 s)')).toBe(
      '从 https://m/s.json 获取发布流 2403-LTS 的元数据失败，共尝试 3 次（30 秒内没有响应）',
    );
    expect(zh.msg('the Ignition config /srv/n.ign is invalid: $.passwd.users.0: duplicate entry (and 2 more)')).toBe(
      'Ignition 配置 /srv/n.ign 无效：$.passwd.users.0: duplicate entry（另有 2 处）',
    );
    expect(
      zh.msg(
        'kernel lockdown (integrity, Secure Boot on): only a NestOS kernel signed with a key this kernel trusts can be loaded; if the load is refused, disable Secure Boot',
      ),
    ).toBe('内核锁定（integrity，安全启动已开启）：只能加载由此内核信任的密钥签名的 NestOS 内核；若加载被拒绝，请关闭安全启动');
    expect(
      zh.msg(
        '/ spans 2 disks through LVM /dev/mapper/vg-root (/dev/sda = /dev/disk/by-id/ata-A, /dev/sdb); x2nestos will not guess which one to overwrite: choose the disk to install NestOS on with --disk /dev/disk/by-id/<name>',
      ),
    ).toBe(
      '/ 通过 LVM /dev/mapper/vg-root 跨越 2 块磁盘 (/dev/sda = /dev/disk/by-id/ata-A, /dev/sdb)；x2nestos 不会猜测该覆盖哪一块：请用 --disk /dev/disk/by-id/<名称> 选择安装 NestOS 的磁盘',
    );
  });

  it('translates progress details as the download and staging steps compose them', () => {
    expect(zh.msg('12 MiB of 700 MiB at 3 MiB/s, 230s left')).toBe('12 MiB / 700 MiB，速度 3 MiB/s，剩余 230 秒');
    expect(zh.msg('12 MiB at 3 MiB/s')).toBe('12 MiB，速度 3 MiB/s');
    expect(zh.msg('300 MiB of 1.2 GiB')).toBe('300 MiB / 1.2 GiB');
    expect(zh.msg('Downloading the live rootfs')).toBe('下载 live rootfs');
    expect(zh.msg('Staging the live system (rootfs appended)')).toBe('暂存 live 系统（rootfs 追加到 initrd）');
  });

  it('translates a message with "N more problems" appended (throwFirstBlocker)', () => {
    const e = (() => {
      try {
        throwFirstBlocker([
          { kind: 'precondition', message: 'converting needs root', remedy: 'run it with sudo' },
          { kind: 'kexec', message: 'x' },
          { kind: 'kexec', message: 'y' },
        ]);
      } catch (x) {
        return x as Error;
      }
      throw new Error('no blocker thrown');
    })();
    expect(zh.msg(e.message)).toBe('转换需要 root 权限（上文另列出 2 个问题）');
  });

  it("translates commander's own errors", async () => {
    const program = new Command('x').exitOverride().configureOutput({ outputError: () => undefined });
    program.addOption(new Option('--arch <arch>').choices(['x86_64', 'aarch64']));
    const messages: string[] = [];
    for (const argv of [['--arch', 'mips'], ['--bogus'], ['--arch']]) {
      try {
        await program.parseAsync(argv, { from: 'user' });
      } catch (e) {
        messages.push((e as Error).message.replace(/^error: /, ''));
      }
    }
    expect(messages.map(zh.msg)).toEqual([
      "选项 '--arch <arch>' 的值 'mips' 无效，可选值为 x86_64, aarch64。",
      "未知选项 '--bogus'",
      "选项 '--arch <arch>' 缺少值",
    ]);
  });

  it('leaves no blocker, warning or step of a troubled plan in English', () => {
    const facts = hostFacts({
      isRoot: false,
      container: 'lxc',
      family: undefined,
      arch: 'riscv64',
      kexec: {
        kexecLoad: false,
        kexecFileLoad: false,
        loadDisabled: true,
        lockdown: 'confidentiality',
        secureBoot: true,
        loaded: true,
        tool: undefined,
      },
      workDirFsType: 'tmpfs',
      workDirFreeBytes: 1024,
      memory: { totalBytes: 512 * 1024 ** 2, availableBytes: 100 * 1024 ** 2 },
    });
    const options = validateOptions({
      disk: '/dev/vdb',
      savePartlabel: ['nothing-*'],
      liveKarg: ['root=/dev/sda', 'a b'],
      rootfsMode: 'url',
      network: 'dhcp',
    });
    const { plan } = planConversion({
      facts,
      options,
      release: {
        ...release(),
        artifacts: { ...release().artifacts, rootfs: { ...release().artifacts.rootfs, location: '/local/rootfs.img' } },
      },
      ignition: undefined,
      destIgnition: undefined,
      userKeyfiles: [],
      kexecTool: DNF_KEXEC,
      kexecToolBlockers: [],
      workDir: '/tmp/w',
      toolVersion: '0',
      purpose: 'convert',
    });
    const texts = [
      ...plan.blockers.flatMap((b) => [b.message, b.remedy ?? '']),
      ...plan.warnings,
      ...plan.steps,
      ...plan.network.notes,
      plan.memory.reason,
    ].filter(Boolean);
    expect(texts.length).toBeGreaterThan(15);
    const english = texts.filter((t) => !CJK.test(zh.msg(t)) && !/^--[\w-]+ \w+$/.test(t));
    expect(english).toEqual([]);
    const shown = renderPlan(plan, zh);
    expect(shown).toContain('无法继续    转换需要 root 权限：请用 sudo 运行');
    expect(shown).toContain('步骤');
  });
});

describe('columns', () => {
  it('counts CJK characters as two columns', () => {
    expect(displayWidth('主机')).toBe(4);
    expect(displayWidth('Host')).toBe(4);
    expect(padColumns('主机', 12)).toBe('主机        ');
    expect(displayWidth(padColumns('live 内核', 12))).toBe(12);
  });
});
