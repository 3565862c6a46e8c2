/**
 * The pure core: facts + options + resolved release + Ignition summary → Plan. Reads nothing,
 * writes nothing; every refusal is a Blocker in the plan, so `x2nestos plan` can show them all at once.
 */
import type { HostFacts } from '../facts/types.js';
import type { Options } from '../options/schema.js';
import type { ResolvedRelease } from '../model/artifacts.js';
import { carrierOf, liveNetworkKargs } from '../network/kargs.js';
import type { NetworkModel } from '../network/model.js';
import type { SourceRoute } from '../network/route-to.js';
import { networkPayload } from '../network/override.js';
import { installerConfig, INSTALLER_CONFIG_PATH, renderInstallerConfig } from '../payload/installer-config.js';
import { buildPayload } from '../payload/build.js';
import { bootEntriesLive } from '../payload/boot-entries.js';
import { commandLineProblems, consoleProblems, liveKernelArgs, userKargProblems } from '../payload/kargs.js';
import { bootLabelBlockers } from './boot-labels.js';
import { chooseTarget } from './target.js';
import { chooseKexec, loadArgv } from './kexec.js';
import { planFirmware } from './firmware.js';
import { switchStep } from './switch.js';
import { checkMemory, type ArtifactSizes } from './memory-check.js';
import { workDirBlockers } from './work-dir.js';
import type { Blocker } from '../model/blocker.js';
import { PLAN_SCHEMA_VERSION, type IgnitionSummary, type KexecTool, type Plan } from './types.js';
import { isRemote } from '../model/location.js';
import { planFailsafe } from './failsafe.js';
import type { FailsafeFacts } from '../facts/failsafe.js';

export interface PlanInputs {
  facts: HostFacts;
  options: Options;
  release: ResolvedRelease;
  ignition: IgnitionSummary | undefined;
  /** Contents of --network-keyfile files, read by the caller. */
  userKeyfiles: { name: string; contents: string }[];
  /** The kexec program to use (src/plan/kexec-tool.ts), chosen from what was found; undefined: none usable. */
  kexecTool: KexecTool | undefined;
  /** Why no kexec program is usable, when none is. */
  kexecToolBlockers: Blocker[];
  /** The destination Ignition config exactly as it will be installed (the user's, plus additions). */
  destIgnition: Uint8Array | undefined;
  workDir: string;
  toolVersion: string;
  /** `plan` shows what a root run would do; `convert` must run as root. */
  purpose: 'plan' | 'convert';
  /** How this host reaches the rootfs URL's server (probed by the caller), when it knows. */
  sourceRoute?: SourceRoute | undefined;
  /** The target disk's bytes outside its partitions and the work directory's filesystem, for the live failsafe. */
  failsafe?: FailsafeFacts | undefined;
}

export interface PlanResult {
  plan: Plan;
  /** The archive appended to the live initrd; undefined while a blocker prevents building it. */
  payload: Buffer | undefined;
}

export function planConversion(input: PlanInputs): PlanResult {
  const { facts, options, release } = input;
  const blockers: Blocker[] = [];
  const warnings: string[] = [];

  blockers.push(...hostBlockers(input, warnings));
  if (!input.ignition) {
    blockers.push({
      kind: 'usage',
      message: 'no Ignition config given',
      remedy: 'pass --ignition URL|FILE (the config NestOS will boot with)',
    });
  }
  if (release.arch !== facts.arch) {
    blockers.push({
      kind: 'usage',
      message: `the release is for ${release.arch} but this host is ${facts.arch}`,
      remedy: `drop --arch or pass --arch ${facts.arch}`,
    });
  }

  blockers.push(
    ...userKargProblems(options.liveKarg, '--live-karg'),
    ...userKargProblems(options.appendKarg, '--append-karg'),
    ...consoleProblems(options.console),
  );

  const { target, blockers: diskBlockers } = chooseTarget(facts, options);
  blockers.push(...diskBlockers, ...bootLabelBlockers(facts, target));
  const firmware = planFirmware(facts, target, { keepBootEntries: options.keepBootEntries, arch: release.arch });
  warnings.push(...firmware.warnings);

  const network = networkPayload(facts.network, { mode: options.network, userKeyfiles: input.userKeyfiles });
  const consoles = options.console.length > 0 ? options.console : facts.consoles;
  const kexec = chooseKexec(facts, input.kexecTool);
  blockers.push(...input.kexecToolBlockers, ...kexec.blockers);
  warnings.push(...kexec.warnings);

  const installer = installerConfig({
    destDevice: target?.installerName ?? '(none)',
    consoles,
    appendKargs: options.appendKarg,
    copyNetwork: network.keyfiles.length > 0,
    savePartlabel: options.savePartlabel,
    savePartindex: options.savePartindex,
  });

  const failsafe = planFailsafe({
    facts: input.failsafe,
    target,
    destIgnition: input.destIgnition,
    timeoutSeconds: options.liveTimeout,
    workDir: input.workDir,
    toolVersion: input.toolVersion,
    sourceHost: `${facts.hostname} (${facts.os.prettyName || `${facts.os.id} ${facts.os.versionId}`})`,
  });
  warnings.push(...failsafe.warnings);

  const built = input.destIgnition
    ? buildPayload({
        installerYaml: renderInstallerConfig(installer, `written by x2nestos ${input.toolVersion} for ${facts.hostname}`),
        destIgnition: input.destIgnition,
        keyfiles: network.keyfiles,
        extras: [failsafe, ...(target ? [bootEntriesLive(firmware.firmware.bootEntries, target.installerName)] : [])],
      })
    : undefined;

  const sizes = artifactSizes(release, built?.archive.length);
  const memory = checkMemory(facts.memory, sizes, {
    requested: options.rootfsMode,
    rootfsUrl: httpLocation(release.artifacts.rootfs.location),
    loadMethod: kexec.plan.method === 'syscall' ? 'syscall' : 'file',
    skip: options.skipMemoryCheck,
  });
  blockers.push(...memory.blockers, ...workDirBlockers(facts, input.workDir, sizes, options.allowTmpfsWorkDir));
  warnings.push(...memory.warnings);

  const rootfsUrl = memory.check.rootfsMode === 'url' ? release.artifacts.rootfs.location : undefined;
  const liveIface = sourceInterface(facts.network, input.sourceRoute);
  const liveNet = rootfsUrl
    ? liveNetworkKargs(facts.network, { mode: options.network === 'none' ? 'dhcp' : options.network, iface: liveIface })
    : [];
  const liveNotes =
    rootfsUrl && input.sourceRoute && liveIface !== undefined && liveIface !== facts.network.primary
      ? [`the live system brings up ${liveIface}: this host reaches ${input.sourceRoute.host} through it, not through the default route`]
      : [];
  const kernelArgs = liveKernelArgs({
    consoles,
    ...(rootfsUrl ? { rootfsUrl } : {}),
    networkKargs: liveNet,
    extra: options.liveKarg,
  });
  // kexec would pass a longer line on, and the live kernel cut it: refuse it here, before any load.
  blockers.push(...commandLineProblems(kernelArgs, release.arch));

  const kexecPlan = {
    ...kexec.plan,
    loadArgv: loadArgv(kexec.plan.method === 'syscall' ? 'syscall' : 'file', input.workDir, kernelArgs.join(' '), kexec.plan.toolArgv),
  };

  const plan: Plan = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    tool: { name: 'x2nestos', version: input.toolVersion },
    host: {
      hostname: facts.hostname,
      os: facts.os.prettyName || `${facts.os.id} ${facts.os.versionId}`,
      family: facts.family,
      arch: facts.arch,
      bootMode: facts.bootMode,
      kernelRelease: facts.kernelRelease,
      virtualization: facts.virtualization,
      secureBoot: facts.kexec.secureBoot,
      lockdown: facts.kexec.lockdown,
    },
    firmware: firmware.firmware,
    release,
    target,
    ignition: input.ignition,
    installer: { path: INSTALLER_CONFIG_PATH, config: installer },
    live: {
      kernelArgs,
      rootfsMode: memory.check.rootfsMode,
      payload: built?.files ?? [],
      failsafe: failsafe.summary,
    },
    network: {
      mode: options.network,
      model: facts.network,
      keyfiles: network.keyfiles.map((k) => ({ name: k.name, bytes: Buffer.byteLength(k.contents), preview: k.contents })),
      liveKargs: liveNet,
      notes: [...network.notes, ...liveNotes, ...facts.network.notCarried.map((n) => `not carried: ${n.what} (${n.why})`)],
    },
    memory: memory.check,
    kexec: kexecPlan,
    workDir: input.workDir,
    reboot: { automatic: options.reboot, delaySeconds: options.rebootDelay },
    steps: [
      ...describeSteps(input, kexecPlan, memory.check.rootfsMode, target?.installerName),
      ...(firmware.firmware.bootEntries.action === 'none' ? [] : [`UEFI boot menu: ${firmware.firmware.bootEntries.reason}`]),
    ],
    warnings,
    blockers,
  };
  return { plan, payload: built?.archive };
}

function hostBlockers(input: PlanInputs, warnings: string[]): Blocker[] {
  const { facts } = input;
  const out: Blocker[] = [];
  if (facts.container) {
    out.push({
      kind: 'precondition',
      message: `running inside a container (${facts.container}); kexec needs the host itself`,
      remedy: 'run x2nestos on the host, not in a container',
    });
  }
  if (!facts.isRoot) {
    const b: Blocker = { kind: 'precondition', message: 'converting needs root', remedy: 'run it with sudo' };
    if (input.purpose === 'convert') out.push(b);
    else warnings.push('not running as root: some facts may be incomplete, and converting needs root');
  }
  if (!facts.family) {
    // The reason detection recorded says what is missing (a package tool, or the distro itself).
    const message = facts.unknown?.family ?? `unsupported distribution ${facts.os.id} ${facts.os.versionId}`;
    out.push({
      kind: 'precondition',
      message,
      remedy: 'x2nestos supports yum/dnf and apt hosts (openEuler, CentOS/RHEL family, Kylin, Debian, Ubuntu, ...)',
    });
  }
  if (facts.arch !== 'x86_64' && facts.arch !== 'aarch64') {
    out.push({
      kind: 'precondition',
      message: `NestOS is built for x86_64 and aarch64, not ${facts.arch}`,
      remedy: 'convert an x86_64 or aarch64 machine',
    });
  }
  return out;
}

function artifactSizes(release: ResolvedRelease, payloadBytes: number | undefined): ArtifactSizes | undefined {
  const { kernel, initramfs, rootfs } = release.artifacts;
  if (kernel.sizeBytes === undefined || initramfs.sizeBytes === undefined || rootfs.sizeBytes === undefined) return undefined;
  // Without an Ignition config there is no payload yet; it would be configs and keyfiles, a few KiB.
  return { kernel: kernel.sizeBytes, initramfs: initramfs.sizeBytes, rootfs: rootfs.sizeBytes, payload: payloadBytes ?? 64 * 1024 };
}

/**
 * The interface the live system must bring up to reach the rootfs server: the one the kernel routes
 * through now (for a bond or bridge port, its controller), or the default route's when the route
 * leaves through something the model does not carry (lo, a tunnel).
 */
function sourceInterface(model: NetworkModel, route: SourceRoute | undefined): string | undefined {
  return (route && carrierOf(model, route.dev)?.name) ?? model.primary;
}

function httpLocation(location: string): string | undefined {
  return isRemote(location) ? location : undefined;
}

function describeSteps(input: PlanInputs, kexec: Plan['kexec'], mode: 'append' | 'url', dest: string | undefined): string[] {
  const method = kexec.method;
  const steps = [
    `download and verify the live kernel, initramfs and rootfs into ${input.workDir}`,
    'check that the initramfs and the rootfs come from the same build',
  ];
  if (kexec.source === 'packages') steps.push(`install kexec-tools: ${kexec.installArgv.map((a) => a.join(' ')).join(' && ')}`);
  if (kexec.source === 'carried') steps.push(`use the kexec carried in x2nestos, no package install: ${kexec.path ?? ''}`);
  if (kexec.source === 'user') steps.push(`use the kexec named with --kexec: ${kexec.path ?? ''}`);
  steps.push(
    'build the payload: live Ignition config, installer config, destination Ignition config, network keyfiles',
    mode === 'append'
      ? 'combine initramfs + rootfs + payload into one initrd'
      : 'combine initramfs + payload; the live system fetches the rootfs by URL',
    `load the live kernel with ${method === 'syscall' ? 'kexec_load (kexec -l)' : method === 'file' ? 'kexec_file_load (kexec -s)' : 'kexec_file_load, falling back to kexec_load'}`,
  );
  if (input.options.reboot) steps.push(switchStep(kexec.switch));
  else steps.push('stop; `x2nestos reboot` switches later, `x2nestos abort` unloads');
  steps.push(`the live installer writes NestOS to ${dest ?? 'the target disk'} and reboots into it through the firmware`);
  return steps;
}
