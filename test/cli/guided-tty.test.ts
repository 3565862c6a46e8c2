/**
 * Guided mode as a person meets it: the BUILT binary in a real terminal (tmux), keys sent, the
 * screen read, on a sandboxed host (the captured openEuler server of harness.ts, with a USB stick
 * added) against a loopback mirror. The whole dry run in English and in Chinese, Ctrl-C at every
 * question (nothing changed, in both languages), the typed-disk-name confirmation, and the switch.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, CLI_CACHE, NEST_KEY, changes, fakeRelease, mirror, run, sandboxHost, scratch } from './harness.js';
import { Terminal } from '../tty/tmux.js';

const HOST = 'openeuler-22.03-lts-sp3';
const BUILD = '24.03-LTS.20241110.0';
type Lang = 'en' | 'zh';

/** What each question says, and what the program says at the end of a run. */
const SAY = {
  en: {
    summary: 'Detected on this host',
    release: 'Which NestOS release?',
    disk: 'Disk to install NestOS on (everything on it is erased)',
    ignition: 'Ignition config for NestOS (users, SSH keys, files)',
    keys: 'SSH keys for user nest',
    paste: 'Public key (ssh-ed25519',
    password: 'Also set a console password for nest?',
    hostname: 'Hostname of the NestOS system',
    network: 'Network of the installed system',
    save: 'Save these answers to a file',
    savePath: 'File to save the answers in',
    confirm: 'Type the disk name (/dev/vda) to confirm:',
    switchNow: 'Switch to the NestOS live installer now?',
    interrupted: 'x2nestos: interrupted at a question; nothing was changed: run `x2nestos guided` again when ready',
    dryRun: 'Dry run: nothing was changed.',
  },
  zh: {
    summary: '在本机检测到',
    release: '安装哪个 NestOS 版本？',
    disk: '安装 NestOS 的磁盘（盘上所有数据都将被清除）',
    ignition: 'NestOS 的 Ignition 配置（用户、SSH 密钥、文件）',
    keys: '用户 nest 的 SSH 密钥',
    paste: '公钥（ssh-ed25519',
    password: '同时为 nest 设置控制台密码吗？',
    hostname: 'NestOS 系统的主机名',
    network: '安装后系统的网络',
    save: '把这些回答保存到文件',
    savePath: '保存回答的文件',
    confirm: '请输入磁盘名（/dev/vda）以确认：',
    switchNow: '现在切换到 NestOS live 安装程序吗？',
    interrupted: 'x2nestos: 在提问时被中断；未做任何更改：准备好后再次运行 `x2nestos guided`',
    dryRun: '试运行：未做任何更改。',
  },
} as const;

type Question = Exclude<keyof (typeof SAY)['en'], 'summary' | 'interrupted' | 'dryRun' | 'confirm' | 'switchNow'>;

const enter = (t: Terminal) => t.keys('Enter');
const QUESTIONS: { ask: Question; answer: (t: Terminal) => void }[] = [
  { ask: 'release', answer: enter },
  { ask: 'disk', answer: enter },
  { ask: 'ignition', answer: enter },
  { ask: 'keys', answer: enter },
  {
    ask: 'paste',
    answer: (t) => {
      t.type(NEST_KEY);
      t.keys('Enter');
    },
  },
  { ask: 'password', answer: enter },
  { ask: 'hostname', answer: enter },
  { ask: 'network', answer: enter },
  {
    ask: 'save',
    answer: (t) => {
      t.type('y');
      t.keys('Enter');
    },
  },
  { ask: 'savePath', answer: enter },
];
/** The same questions, answers not saved (for the runs that convert). */
const QUESTIONS_NO_SAVE = [...QUESTIONS.slice(0, 8), { ask: 'save' as const, answer: enter }];

describe('guided mode in a real terminal (built binary, sandboxed host)', () => {
  let server: Awaited<ReturnType<typeof mirror>>;
  const tmp = scratch('guided-tty');
  const open: Terminal[] = [];

  beforeAll(async () => {
    server = await mirror([
      { stream: '2403-LTS', build: BUILD, release: fakeRelease(BUILD) },
      { stream: '2503-LTS', build: '25.03-LTS.20260301.0', release: fakeRelease('25.03-LTS.20260301.0') },
    ]);
  });
  afterAll(async () => {
    for (const t of open) t.close();
    await server.close();
    tmp.cleanup();
  });

  /** The captured server, with a USB stick plugged in: a disk guided mode must refuse. */
  function host(): string {
    const sandbox = sandboxHost(HOST);
    const lsblk = path.join(sandbox, 'out/lsblk.json');
    const doc = JSON.parse(readFileSync(lsblk, 'utf8')) as { blockdevices: Record<string, unknown>[] };
    const vdb = doc.blockdevices.find((d) => d.name === 'vdb')!;
    doc.blockdevices.push({
      ...vdb,
      name: 'sdc',
      kname: 'sdc',
      path: '/dev/sdc',
      'maj:min': '8:32',
      fstype: null,
      fsavail: null,
      fssize: null,
      fsused: null,
      'fsuse%': null,
      mountpoint: null,
      mountpoints: [null],
      uuid: null,
      rm: true,
      hotplug: true,
      model: 'DataTraveler 3.0',
      serial: 'E0D55EA5741B',
      size: 16 * 1024 ** 3,
      tran: 'usb',
      subsystems: 'block:scsi:usb:pci',
      vendor: 'Kingston',
    });
    writeFileSync(lsblk, JSON.stringify(doc));
    // The kernel's view (/sys, udev's database), which x2nestos reads, gets the stick too.
    const derive = spawnSync('node', [path.resolve(import.meta.dirname, '../fixtures/hosts/derive-kernel-view.mjs'), sandbox], {
      encoding: 'utf8',
    });
    if (derive.status !== 0) throw new Error(`derive-kernel-view failed: ${derive.stderr}`);
    symlinkSync('../../sdc', path.join(sandbox, 'root/dev/disk/by-id/usb-Kingston_DataTraveler_3.0_E0D55EA5741B-0:0'));
    return sandbox;
  }

  function start(args: string[], opts: { lang: Lang; via?: 'LANG' | 'flag'; sandbox: string }): { term: Terminal; cwd: string } {
    const cwd = path.join(tmp.dir, `run-${open.length}`);
    mkdirSync(cwd);
    const zhByLocale = opts.lang === 'zh' && opts.via !== 'flag';
    const term = Terminal.start({
      argv: [
        BIN,
        'guided',
        ...args,
        '--stream-base-url',
        server.streamBase,
        ...(opts.lang === 'zh' && opts.via === 'flag' ? ['--lang', 'zh'] : []),
      ],
      env: {
        X2NESTOS_SANDBOX: opts.sandbox,
        X2NESTOS_FORBID_HOST_CHANGES: '1',
        X2NESTOS_CACHE_DIR: CLI_CACHE,
        LANG: zhByLocale ? 'zh_CN.UTF-8' : 'C.UTF-8',
      },
      cwd,
    });
    open.push(term);
    return { term, cwd };
  }

  async function answerAll(term: Terminal, lang: Lang, questions: typeof QUESTIONS) {
    for (const q of questions) {
      await term.waitFor(SAY[lang][q.ask]);
      q.answer(term);
    }
  }

  const builtConfigs = (sandbox: string) => {
    const dir = path.join(sandbox, 'work/guided');
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  it.each([
    ['en', 'LANG'],
    ['zh', 'LANG'],
    ['zh', 'flag'],
  ] as const)(
    'walks the whole dry run (%s, by %s), shows the plan, changes nothing, and saves answers that replay it',
    async (lang, via) => {
      const sandbox = host();
      const { term, cwd } = start(['--dry-run'], { lang, via, sandbox });
      await answerAll(term, lang, QUESTIONS);
      await term.waitFor(SAY[lang].dryRun);
      expect(await term.waitExit()).toBe(0);
      const screen = term.screen();
      if (lang === 'en') {
        expect(screen).toMatch(/✔ Inspecting this host \(\d+\.\ds\)/);
        expect(screen).toContain(
          '  System    openEuler 22.03 (LTS-SP3) (yum), x86_64, BIOS, kernel 5.10.0-182.0.0.95.oe2203sp3.x86_64, kvm',
        );
        expect(screen).toContain('  kexec     ready: kexec_file_load, falling back to kexec_load; kexec-tools installed');
        expect(screen).toContain(`✔ Which NestOS release? NestOS ${BUILD}, the current release of stream 2403-LTS`);
        expect(screen).toContain('✔ Disk to install NestOS on (everything on it is erased) /dev/vda (40.0 GiB)');
        expect(screen).toContain('✔ SSH keys for user nest (NestOS allows SSH with keys only) Paste a public key');
        expect(screen).toContain(
          'The plan in plain words\n  NestOS 24.03-LTS.20241110.0 from stream 2403-LTS replaces everything on /dev/vda, the disk this system runs from.',
        );
        expect(screen).toContain('            EVERYTHING ON IT WILL BE ERASED');
        expect(screen).toContain(
          `Answers saved to ${cwd}/x2nestos-answers.yaml. Replay them without questions: x2nestos --config ${cwd}/x2nestos-answers.yaml --yes`,
        );
      } else {
        expect(screen).toMatch(/✔ 检查本机 \(\d+\.\ds\)/);
        expect(screen).toContain(
          '  系统      openEuler 22.03 (LTS-SP3)（yum），x86_64，BIOS，内核 5.10.0-182.0.0.95.oe2203sp3.x86_64，kvm',
        );
        expect(screen).toContain('  kexec     就绪：kexec_file_load，不行时改用 kexec_load；已安装 kexec-tools');
        expect(screen).toContain(`✔ 安装哪个 NestOS 版本？ NestOS ${BUILD}，发布流 2403-LTS 的当前版本`);
        expect(screen).toContain(
          '计划概要\n  来自发布流 2403-LTS 的 NestOS 24.03-LTS.20241110.0 将取代 /dev/vda 上的全部内容（本系统正在运行的磁盘）。',
        );
        expect(screen).toContain(
          '目标        /dev/vda = /dev/disk/by-id/virtio-0a5c3e2f9b8d47e1a6c3（40.0 GiB，序列号 0a5c3e2f9b8d47e1a6c3），即 / 所在的磁盘',
        );
        expect(screen).toContain('            盘上所有数据都将被清除');
        expect(screen).toContain('  1. 把 live 内核、initramfs 和 rootfs 下载并校验到');
        expect(screen).toContain(`回答已保存到 ${cwd}/x2nestos-answers.yaml。`);
        expect(screen).not.toMatch(/Which NestOS|EVERYTHING ON IT|Dry run/);
      }
      expect(changes(sandbox)).toEqual([]);

      // The answers replay without questions, to the same plan.
      const answers = path.join(cwd, 'x2nestos-answers.yaml');
      expect(readFileSync(answers, 'utf8')).toMatch(/^disk: \/dev\/disk\/by-id\/virtio-0a5c3e2f9b8d47e1a6c3$/m);
      const replay = await run(['plan', '--config', answers, '--json'], { sandbox });
      expect(replay.stderr).not.toMatch(/error/);
      expect(replay.code).toBe(0);
      expect(replay.json).toMatchObject({
        result: 'planned',
        plan: { target: { device: '/dev/vda' }, network: { mode: 'keep' }, ignition: { specVersion: '3.2.0' } },
      });
    },
  );

  it('shows every disk with its use, marks the disk behind /, and refuses the disk in use and the USB stick with the reason', async () => {
    const sandbox = host();
    const { term } = start(['--dry-run'], { lang: 'en', sandbox });
    await answerAll(term, 'en', QUESTIONS.slice(0, 1));
    const screen = await term.waitFor('installer name: /dev/disk/by-id/virtio-0a5c3e2f9b8d47e1a6c3');
    expect(screen).toMatch(/❯ \/dev\/vda\s+40\.0 GiB\s+serial 0a5c3e2f9b8d47e1a6c3\s+mounted at \/boot, \/\s+← the disk behind \//);
    expect(screen).toMatch(
      /- \/dev\/vdb\s+100\.0 GiB\s+serial 7f3e9b2c1d0a48e5b6f1 \(refused: \/dev\/vdb is in use \(mounted at \/data\)\)/,
    );
    expect(screen).toMatch(/- \/dev\/sdc\s+16\.0 GiB\s+DataTraveler 3\.0\s+serial E0D55EA5741B \(refused: \/dev\/sdc is removable\)/);
    term.keys('Down', 'Down', 'Enter');
    await term.waitFor('This choice is not available (the reason is beside it).');
    term.keys('C-c');
    expect(await term.waitExit()).toBe(130);
    expect(changes(sandbox)).toEqual([]);
  });

  for (const lang of ['en', 'zh'] as const) {
    it.each(QUESTIONS.map((q, i) => [q.ask, i] as const))(
      `Ctrl-C at the %s question (${lang}) ends the run, nothing changed`,
      async (_ask, index) => {
        const sandbox = host();
        const { term, cwd } = start(['--dry-run'], { lang, sandbox });
        await answerAll(term, lang, QUESTIONS.slice(0, index));
        await term.waitFor(SAY[lang][QUESTIONS[index]!.ask]);
        term.keys('C-c');
        expect(await term.waitExit()).toBe(130);
        expect(term.screen()).toContain(SAY[lang].interrupted);
        expect(changes(sandbox)).toEqual([]);
        expect(builtConfigs(sandbox)).toEqual([]);
        expect(readdirSync(cwd)).toEqual([]);
      },
    );
  }

  it.each(['en', 'zh'] as const)('Ctrl-C at the typed confirmation (%s) changes nothing', async (lang) => {
    const sandbox = host();
    const { term } = start([], { lang, sandbox });
    await answerAll(term, lang, QUESTIONS_NO_SAVE);
    await term.waitFor(SAY[lang].confirm);
    term.keys('C-c');
    expect(await term.waitExit()).toBe(130);
    expect(term.screen()).toContain(
      lang === 'en' ? 'x2nestos: interrupted at a question; nothing was changed' : 'x2nestos: 在提问时被中断；未做任何更改',
    );
    expect(changes(sandbox)).toEqual([]);
    expect(builtConfigs(sandbox)).toEqual([]);
  });

  it('takes only the exact disk name as the confirmation', async () => {
    const sandbox = host();
    const { term } = start([], { lang: 'en', sandbox });
    await answerAll(term, 'en', QUESTIONS_NO_SAVE);
    await term.waitFor(SAY.en.confirm);
    term.type('vda');
    term.keys('Enter');
    expect(await term.waitExit()).toBe(9);
    expect(term.screen()).toContain('x2nestos: error: not confirmed; nothing was changed: run again and type the disk name, or pass --yes');
    expect(changes(sandbox)).toEqual([]);
    // The downloads started while the question was open; declining removes what they fetched.
    expect(existsSync(path.join(sandbox, 'work/cache'))).toBe(false);
  });

  it('after the typed name, stages and loads, shows what happens next, and unloads again on Ctrl-C', async () => {
    const sandbox = host();
    const { term } = start([], { lang: 'en', sandbox });
    await answerAll(term, 'en', QUESTIONS_NO_SAVE);
    await term.waitFor(SAY.en.confirm);
    term.type('/dev/vda');
    term.keys('Enter');
    const screen = await term.waitFor(SAY.en.switchNow, 30_000);
    expect(screen).toMatch(/✔ Downloading the live rootfs \(\d+\.\ds\)/);
    expect(screen).toMatch(/✔ Loading the live kernel \(\d+\.\ds\)/);
    expect(screen).toContain(
      `  2. The installer writes NestOS ${BUILD} to /dev/disk/by-id/virtio-0a5c3e2f9b8d47e1a6c3 and reboots into it.`,
    );
    expect(screen).toContain('  This usually takes 5 to 15 minutes, most of it writing the image.');
    expect(screen).toContain('How to reach NestOS\n  ssh nest@192.168.10.21\n');
    expect(screen).toContain(
      `Log of this run\n  ${sandbox}/work/x2nestos.log\n  (it is on the disk NestOS replaces: copy it elsewhere now to keep it)`,
    );
    expect(readFileSync(path.join(sandbox, 'root/sys/kernel/kexec_loaded'), 'utf8')).toBe('1\n');
    term.keys('C-c');
    expect(await term.waitExit()).toBe(130);
    expect(term.screen()).toContain(
      'x2nestos: cancelled before the switch: the live system was unloaded again, nothing on this host was changed',
    );
    const ch = changes(sandbox);
    expect(ch.map((a) => a.slice(0, 2))).toEqual([
      ['kexec', '-l'],
      ['kexec', '-u'],
    ]);
    expect(readFileSync(path.join(sandbox, 'root/sys/kernel/kexec_loaded'), 'utf8')).toBe('0\n');
    expect(existsSync(path.join(sandbox, 'work/staged'))).toBe(false);
  });

  it('switches on "yes" (zh)', async () => {
    const sandbox = host();
    const { term } = start([], { lang: 'zh', sandbox });
    await answerAll(term, 'zh', QUESTIONS_NO_SAVE);
    await term.waitFor(SAY.zh.confirm);
    term.type('/dev/vda');
    term.keys('Enter');
    const screen = await term.waitFor(SAY.zh.switchNow, 30_000);
    expect(screen).toContain('接下来会发生什么');
    expect(screen).toContain('如何访问 NestOS\n  ssh nest@192.168.10.21\n  （地址与现在相同：本机的网络配置会被沿用）');
    term.keys('Enter');
    expect(await term.waitExit()).toBe(0);
    expect(changes(sandbox).map((a) => a.slice(0, 2))).toEqual([['kexec', '-l'], ['sync'], ['systemctl', 'kexec']]);
  });

  it('starts guided mode for a bare `x2nestos` on a terminal', async () => {
    const sandbox = host();
    const cwd = path.join(tmp.dir, 'bare');
    mkdirSync(cwd);
    // No flags at all: the default mirror is out of reach here, which the release question shows.
    const term = Terminal.start({
      argv: [BIN],
      env: {
        X2NESTOS_SANDBOX: sandbox,
        X2NESTOS_FORBID_HOST_CHANGES: '1',
        X2NESTOS_CACHE_DIR: CLI_CACHE,
        LANG: 'zh_CN.UTF-8',
        HTTPS_PROXY: 'http://127.0.0.1:9',
      },
      cwd,
    });
    open.push(term);
    await term.waitFor(SAY.zh.summary);
    await term.waitFor(SAY.zh.release, 60_000);
    term.keys('C-c');
    expect(await term.waitExit()).toBe(130);
    expect(changes(sandbox)).toEqual([]);
  });

  it('on a host without keys to inherit, shows that choice disabled with the reason, and says why no partition can be kept', async () => {
    const sandbox = host();
    // No authorized keys anywhere: nothing for "this host's keys" to carry.
    for (const dir of ['root/root/.ssh', 'root/home']) rmSync(path.join(sandbox, dir), { recursive: true, force: true });
    const { term } = start(['--dry-run'], { lang: 'en', sandbox });
    await answerAll(term, 'en', QUESTIONS.slice(0, 3));
    const screen = await term.waitFor(SAY.en.keys);
    // /dev/vda holds only partitions 1 and 2, where NestOS's own go: no question, one line instead.
    expect(screen).toContain('Partitions of /dev/vda: none can be kept, NestOS takes partitions 1-4 and the first 8.0 GiB of the disk.');
    expect(screen).toMatch(/- This host's keys \(no key logs in as root or a sudo user here\)/);
    expect(screen).toMatch(/❯ Paste a public key/);
    expect(screen).not.toMatch(/0, of/);
    term.keys('Up', 'Enter');
    await term.waitFor('This choice is not available (the reason is beside it).');
    term.keys('C-c');
    expect(await term.waitExit()).toBe(130);
    expect(changes(sandbox)).toEqual([]);
  });

  it('checks another stream as it is typed, showing why one cannot be used', async () => {
    const sandbox = host();
    const { term } = start(['--dry-run'], { lang: 'en', sandbox });
    await term.waitFor(SAY.en.release);
    term.keys('Down', 'Enter');
    await term.waitFor('Stream name (for example 2403-LTS)');
    term.type('nope');
    term.keys('Enter');
    await term.waitFor(/> the stream metadata of nope at https:\/\/127\.0\.0\.1:\d+\/streams\/nope\.json answered HTTP 404 \(not found\)/);
    term.keys('BSpace', 'BSpace', 'BSpace', 'BSpace');
    term.type('2503-LTS');
    term.keys('Enter');
    await term.waitFor(SAY.en.disk);
    expect(term.screen()).toContain('✔ Stream name (for example 2403-LTS) 2503-LTS');
    term.keys('C-c');
    expect(await term.waitExit()).toBe(130);
  });

  it('draws progress on stderr as a task list, or as plain lines with NO_COLOR, and leaves stdout to --json', async () => {
    const ign = path.join(tmp.dir, 'node.ign');
    writeFileSync(
      ign,
      JSON.stringify({ ignition: { version: '3.3.0' }, passwd: { users: [{ name: 'nest', sshAuthorizedKeys: [NEST_KEY] }] } }),
    );
    for (const noColor of [false, true]) {
      const sandbox = host();
      const out = path.join(tmp.dir, `plan-${noColor}.json`);
      const plan = `'${BIN}' plan --json --ignition '${ign}' --stream-base-url '${server.streamBase}' > '${out}'`;
      const term = Terminal.start({
        argv: ['sh', '-c', plan],
        env: {
          X2NESTOS_SANDBOX: sandbox,
          X2NESTOS_FORBID_HOST_CHANGES: '1',
          X2NESTOS_CACHE_DIR: CLI_CACHE,
          LANG: 'C.UTF-8',
          ...(noColor ? { NO_COLOR: '1' } : {}),
        },
        cwd: tmp.dir,
      });
      open.push(term);
      expect(await term.waitExit()).toBe(0);
      const screen = term.screen();
      if (noColor) {
        expect(screen).toContain('x2nestos: Inspecting this host ...');
        expect(screen).toMatch(/x2nestos: Resolving the NestOS release: done \(\d+\.\ds\)/);
        expect(screen).not.toContain('✔');
      } else {
        expect(screen).toMatch(
          /✔ Inspecting this host \(\d+\.\ds\)\n✔ Resolving the NestOS release \(\d+\.\ds\)\n✔ Checking the Ignition config/,
        );
      }
      expect(screen).toContain('EVERYTHING ON IT WILL BE ERASED');
      expect(screen).not.toContain('"schemaVersion"');
      const doc = JSON.parse(readFileSync(out, 'utf8')) as { result: string };
      expect(doc.result).toBe('planned');
    }
  });

  it('never asks without a terminal, and says what to pass instead', async () => {
    const r = await run(['guided', '--dry-run'], { sandbox: host() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'x2nestos: error: guided mode asks questions, and there is no terminal to ask them on: convert without questions with `x2nestos --ignition URL|FILE --yes`',
    );
  });
});

describe('help and shell completion (built binary)', () => {
  const COMMANDS = ['convert', 'plan', 'fetch', 'status', 'abort', 'reboot', 'guided', 'completion'];

  it('gives every command --help with examples, in English and in Chinese', async () => {
    for (const command of COMMANDS) {
      const en = await run([command, '--help']);
      expect(en.code).toBe(0);
      expect(en.stdout).toMatch(/^Usage: x2nestos /);
      expect(en.stdout).toMatch(/\nExamples:\n {2}# .+\n {2}(sudo )?x2nestos /);
      const zh = await run([command, '--help'], { env: { LANG: 'zh_CN.UTF-8' } });
      expect(zh.stdout).toMatch(/^用法： x2nestos /);
      expect(zh.stdout).toMatch(/\n示例：\n {2}# .*[\u4e00-\u9fff].*\n {2}(sudo )?x2nestos /);
      expect(zh.stdout).toContain('-h, --help');
      expect(zh.stdout).toContain('显示命令帮助');
    }
    const plan = await run(['plan', '--help', '--lang', 'zh']);
    expect(plan.stdout).toContain('选项：');
    expect(plan.stdout).toMatch(/--network <mode>\s+安装后系统的网络（可选值："keep", "dhcp", "none"）/);
    expect(plan.stdout).not.toMatch(/\b(the|with|of) \w+ \w+/); // no English prose left
  });

  it("reports a bad flag once, in the reader's language", async () => {
    const en = await run(['plan', '--bogus']);
    expect(en.code).toBe(2);
    expect(en.stderr).toBe("x2nestos: error: unknown option '--bogus': see `x2nestos --help`\n");
    const zh = await run(['plan', '--arch', 'mips', '--lang', 'zh']);
    expect(zh.code).toBe(2);
    expect(zh.stderr).toBe("x2nestos: 错误：选项 '--arch <arch>' 的值 'mips' 无效，可选值为 x86_64, aarch64。：参见 `x2nestos --help`\n");
  });

  it('completes commands, options and enum values in bash', async () => {
    const script = (await run(['completion', 'bash'])).stdout;
    const dir = scratch('bash-completion');
    const file = path.join(dir.dir, 'x2nestos.bash');
    writeFileSync(file, script);
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
    const complete = (...words: string[]) => {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `source "$1"; shift; COMP_WORDS=(x2nestos "$@"); COMP_CWORD=$#; _x2nestos; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'complete',
          file,
          ...words,
        ],
        { encoding: 'utf8' },
      );
      return r.stdout.split('\n').filter(Boolean);
    };
    expect(complete('g')).toEqual(['guided']);
    expect(complete('')).toEqual(expect.arrayContaining(['convert', 'plan', 'fetch', 'status', 'abort', 'reboot', 'guided', 'completion']));
    expect(complete('plan', '--ar')).toEqual(['--arch']);
    expect(complete('plan', '--arch', '')).toEqual(['x86_64', 'aarch64']);
    expect(complete('--network', '')).toEqual(['keep', 'dhcp', 'none']);
    expect(complete('guided', '--dr')).toEqual(['--dry-run']);
    expect(complete('plan', '--dr')).toEqual([]);
    expect(complete('status', '--lang', 'z')).toEqual(['zh']);
    expect(complete('completion', '')).toEqual(['bash', 'zsh']);
    expect(complete('--ignition', path.join(dir.dir, 'x2nest'))).toEqual([file]);
    dir.cleanup();
  });

  it('completes in an interactive zsh', async () => {
    const script = (await run(['completion', 'zsh'], { env: { LANG: 'zh_CN.UTF-8' } })).stdout;
    const dir = scratch('zsh-completion');
    const file = path.join(dir.dir, '_x2nestos');
    writeFileSync(file, script);
    expect(spawnSync('zsh', ['-n', file]).status).toBe(0);
    writeFileSync(
      path.join(dir.dir, '.zshrc'),
      `PS1='zsh> '\nautoload -Uz compinit && compinit -u -d ${dir.dir}/.zcompdump\nsource ${file}\n`,
    );
    const term = Terminal.start({ argv: ['zsh', '-i'], env: { ZDOTDIR: dir.dir, LANG: 'C.UTF-8' }, cwd: dir.dir });
    try {
      await term.waitFor('zsh>');
      term.type('x2nestos gui');
      term.keys('Tab');
      await term.waitFor('zsh> x2nestos guided');
      term.type(' --dry');
      term.keys('Tab');
      await term.waitFor('zsh> x2nestos guided --dry-run');
      term.type('--ar');
      term.keys('Tab');
      await term.waitFor('zsh> x2nestos guided --dry-run --arch=');
      term.keys('Tab');
      await term.waitFor(/aarch64\s+x86_64/);
      term.keys('C-c');
      term.type('x2nestos completion ');
      term.keys('Tab');
      await term.waitFor(/bash\s+zsh/);
    } finally {
      term.close();
      dir.cleanup();
    }
  });
});
