/**
 * Which disk backs `/`. That disk is what a conversion overwrites by default, so anything that
 * is not exactly one local physical disk is refused with an explanation and the `--disk` remedy:
 * guessing here is how peers wiped the wrong disk.
 */
import type { BlockDevice } from './block-devices.js';
import type { Mount } from './mounts.js';
import type { Disk, RootDisk } from './types.js';

/** From a top-level disk down to the device mounted at `/`. */
type Chain = BlockDevice[];

function chainsToRoot(device: BlockDevice, above: Chain = []): Chain[] {
  const chain = [...above, device];
  const here = device.mountpoints.includes('/') ? [chain] : [];
  return [...here, ...device.children.flatMap((c) => chainsToRoot(c, chain))];
}

const NETWORK_FS = /^(nfs\d?|cifs|smb3|ceph|glusterfs|9p|virtiofs|fuse\..*)$/;
const VIRTUAL_DISK = /^(zram|ram|loop|nbd)\d*/;
const NETWORK_TRANSPORT = new Set(['iscsi', 'nvme-tcp', 'nvme-rdma']);

const remedy = (candidates: string) => `choose the disk to install NestOS on with --disk /dev/disk/by-id/<name>${candidates}`;

function describe(disk: BlockDevice, disks: Disk[]): string {
  const stable = disks.find((d) => d.path === `/dev/${disk.kname}`)?.stableNames[0];
  return stable === undefined ? `/dev/${disk.kname}` : `/dev/${disk.kname} = ${stable}`;
}

function layerName(type: string): string {
  if (type.startsWith('raid') || type === 'md' || type === 'linear') return 'md RAID';
  if (type === 'lvm') return 'LVM';
  if (type === 'crypt') return 'LUKS';
  if (type === 'mpath') return 'multipath';
  return type;
}

function notOnDisk(root: Mount | undefined): string {
  if (root === undefined) return 'no block device is mounted at / and /proc/mounts is not readable';
  if (NETWORK_FS.test(root.fsType)) return `/ is mounted over the network (${root.fsType} ${root.source}), not from a local disk`;
  return `/ is ${root.source} (${root.fsType}), not a filesystem on a local disk`;
}

export function findRootDisk(devices: BlockDevice[], disks: Disk[], rootMount: Mount | undefined): RootDisk {
  const chains = devices.flatMap((d) => chainsToRoot(d));
  if (chains.length === 0) return { ok: false, reason: `${notOnDisk(rootMount)}: ${remedy('')}` };

  const tops = [...new Map(chains.map((c) => [c[0]!.kname, c[0]!])).values()];
  const layers = [
    ...new Map(
      chains
        .flatMap((c) => c.slice(1))
        .filter((d) => d.type !== 'part')
        .map((d) => [d.kname, d]),
    ).values(),
  ];
  const stack = [...layers]
    .reverse()
    .map((d) => `${layerName(d.type)} ${d.path}`)
    .join(' on ');
  const candidates = ` (${tops.map((t) => describe(t, disks)).join(', ')})`;

  const virtual = tops.find((t) => VIRTUAL_DISK.test(t.kname));
  if (virtual !== undefined) {
    return { ok: false, reason: `/ is on /dev/${virtual.kname}, a virtual block device, not a physical disk: ${remedy('')}` };
  }
  const multipath = layers.find((d) => d.type === 'mpath');
  if (multipath !== undefined) {
    return {
      ok: false,
      reason: `/ is on the multipath device ${multipath.path}, reached over ${tops.length} path(s)${candidates}; the live system does not assemble multipath, so the same disk could be written through one path while another is in use: ${remedy(' of one path, or convert from a host without multipath')}`,
    };
  }
  const network = tops.find((t) => t.transport !== undefined && NETWORK_TRANSPORT.has(t.transport));
  if (network !== undefined) {
    return {
      ok: false,
      reason: `/ is on /dev/${network.kname}, a ${network.transport} disk reached over the network; the live system would not log in to it: ${remedy('')}`,
    };
  }
  if (tops.length > 1) {
    const through = stack === '' ? 'a filesystem spanning them' : stack;
    return {
      ok: false,
      reason: `/ spans ${tops.length} disks through ${through}${candidates}; x2nestos will not guess which one to overwrite: ${remedy('')}`,
    };
  }

  const top = tops[0]!;
  const chain = chains[0]!;
  const disk = disks.find((d) => d.path === `/dev/${top.kname}`);
  if (disk === undefined) {
    return {
      ok: false,
      reason: `/ is on /dev/${top.kname}, which is not a disk NestOS can be installed on (type ${top.type}): ${remedy('')}`,
    };
  }
  return {
    ok: true,
    disk: disk.path,
    stableName: disk.stableNames[0],
    via: chain
      .slice(1)
      .reverse()
      .map((d) => `${d.type} ${d.path}`),
  };
}
