/**
 * The answers as Options, and the saved file that replays them: read back through the same loader
 * `--config` uses, it must give the same conversion. Also the whole interview, and the way a host
 * with problems is walked through only as a dry run.
 */
import { describe, expect, it } from 'vitest';
import { answersToOptions, replayConfig, type Answers } from '../../../src/guided/answers.js';
import { interview, type InterviewInput } from '../../../src/guided/interview.js';
import { preflight } from '../../../src/guided/preflight.js';
import { english } from '../../../src/i18n/translate.js';
import { isX2Error } from '../../../src/errors.js';
import { loadOptions, validateOptions } from '../../../src/options/load.js';
import { HOST_KEXEC, hostFacts } from '../plan/host.js';
import { answer, drive, shows } from './drive.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO+cZGxEZWNEQHNj2tHRpvh0+6KC7Q6j0DemPx26L/xR admin@example';

const answers: Answers = {
  release: { kind: 'stream', stream: '2503-LTS', release: '25.03-LTS.1' },
  disk: { device: '/dev/vda', installerName: '/dev/disk/by-id/virtio-HOSTDISK1', isRootDisk: true, sizeBytes: 1 },
  ignition: { kind: 'build', text: '{}', inheritKeys: true, keyCount: 2, password: false, hostname: 'h' },
  network: 'dhcp',
};

describe('guided: answers', () => {
  it('become the options a command line would give', () => {
    const given = validateOptions({ streamBaseUrl: 'http://127.0.0.1:8080/streams/', json: true, lang: 'zh', dryRun: true });
    const options = answersToOptions(given, answers, '/var/lib/x2nestos/guided/ignition-1.ign');
    expect(options).toMatchObject({
      stream: '2503-LTS',
      streamBaseUrl: 'http://127.0.0.1:8080/streams/',
      disk: '/dev/disk/by-id/virtio-HOSTDISK1',
      ignition: '/var/lib/x2nestos/guided/ignition-1.ign',
      inheritSshKeys: true,
      network: 'dhcp',
    });
    const iso = answersToOptions(
      given,
      {
        ...answers,
        release: { kind: 'iso', iso: 'https://m/n.iso', isoSha256: 'a'.repeat(64) },
        ignition: { kind: 'url', url: 'http://h/n.ign', allowHttp: true },
      },
      undefined,
    );
    expect(iso).toMatchObject({
      iso: 'https://m/n.iso',
      isoSha256: 'a'.repeat(64),
      ignition: 'http://h/n.ign',
      allowHttpIgnition: true,
      inheritSshKeys: false,
    });
  });

  it('are saved as a config file that replays them through --config, without how this run looked', async () => {
    const given = validateOptions({
      streamBaseUrl: 'http://127.0.0.1:8080/streams/',
      json: true,
      lang: 'zh',
      dryRun: true,
      appendKarg: ['quiet'],
      rebootDelay: 5,
    });
    const options = answersToOptions(given, answers, '/var/lib/x2nestos/guided/ignition-1.ign');
    const text = replayConfig(options, english, new Date('2026-11-28T08:00:00Z'));
    expect(text).toMatch(
      /^# x2nestos answers, saved by `x2nestos guided` on 2026-11-28T08:00:00.000Z\.\n# Replay without questions: x2nestos --config THIS-FILE --yes\n/,
    );
    expect(text).toContain('stream-base-url: http://127.0.0.1:8080/streams/\n');
    expect(text).toContain('inherit-ssh-keys: true\n');
    expect(text).not.toMatch(/^(json|lang|dry-run|yes):/m);
    const replayed = await loadOptions({ yes: true }, 'answers.yaml', async () => text);
    expect({ ...replayed, yes: false }).toEqual({ ...options, json: false, lang: undefined, dryRun: false });
  });
});

describe('guided: the interview', () => {
  const facts = hostFacts();
  const base = (over: Partial<InterviewInput>, ask: InterviewInput['ask']): InterviewInput => ({
    ask,
    tr: english,
    facts,
    options: validateOptions({}),
    preflight: preflight(facts, validateOptions({}), {
      kexecTool: { tool: HOST_KEXEC, blockers: [] },
      workDir: '/w',
      toolVersion: '0',
      purpose: 'convert',
    }),
    kexecTool: HOST_KEXEC,
    release: { streamRelease: async () => ({ ok: '24.03-LTS.1' }), liveIso: async () => ({ problem: 'no' }) },
    ignition: {
      cwd: '/',
      hostname: 'web-01',
      readFile: async () => new Uint8Array(),
      inheritableKeys: async () => ({ keys: [], notes: [] }),
      hashPassword: () => '$6$x$y',
    },
    save: { cwd: '/tmp', kindOf: async () => undefined },
    dryRun: false,
    ...over,
  });

  it('asks release, disk, Ignition, network and saving, in that order, after the summary', async () => {
    const d = await drive();
    const done = interview(base({}, d.ask));
    const titles: string[] = [];
    const next = async () => {
      const p = await d.next();
      titles.push(p.getScreen().split('\n')[0]!);
      return p;
    };
    (await next()).events.keypress('enter');
    (await next()).events.keypress('enter');
    (await next()).events.keypress('enter');
    (await next()).events.keypress('enter');
    (await next()).events.keypress('enter');
    answer(await next(), KEY);
    answer(await next(), 'n');
    (await next()).events.keypress('enter');
    (await next()).events.keypress('enter');
    answer(await next(), 'n');
    const result = await done;
    expect(d.said[0]).toContain('Detected on this host');
    expect(titles.map((t) => t.replace(/^\? /, '').replace(/ \(.*$/, ''))).toEqual([
      'Which NestOS release?',
      'Disk to install NestOS on',
      // /dev/vda5 starts beyond NestOS's partitions: it could be kept, so the question is asked.
      'Keep a partition of /dev/vda?',
      'Ignition config for NestOS',
      'SSH keys for user nest',
      'Public key',
      'Also set a console password for nest?',
      'Hostname of the NestOS system',
      'Network of the installed system',
      'Save these answers to a file, to replay this conversion later without question', // (wrapped at 80 columns)
    ]);
    // No interface carries an address here: "keep" cannot apply, DHCP is the default.
    expect(result).toMatchObject({
      dryRun: false,
      savePath: undefined,
      answers: { release: { kind: 'stream', release: '24.03-LTS.1' }, disk: { device: '/dev/vda' }, network: 'dhcp' },
    });
    expect(result.answers.disk.keep).toBeUndefined();
  });

  it('on a host with problems, goes on only as a dry run, and not at all when told no', async () => {
    const blocked = hostFacts({ isRoot: false });
    const pre = preflight(blocked, validateOptions({}), {
      kexecTool: { tool: HOST_KEXEC, blockers: [] },
      workDir: '/w',
      toolVersion: '0',
      purpose: 'convert',
    });
    const d = await drive();
    const refused = interview(base({ facts: blocked, preflight: pre }, d.ask));
    const go = await d.next();
    expect(shows(go, 'Go on anyway, to see the whole plan? Nothing will be changed. (y/N)')).toBe(true);
    go.events.keypress('enter');
    const e = await refused.catch((x: unknown) => x);
    expect(isX2Error(e) && e.kind).toBe('precondition');
    expect((e as Error).message).toBe('converting needs root');

    const d2 = await drive();
    const walked = interview(base({ facts: blocked, preflight: pre }, d2.ask));
    answer(await d2.next(), 'y');
    expect(shows(await d2.next(), 'Which NestOS release?')).toBe(true);
    void walked.catch(() => undefined);
  });
});
