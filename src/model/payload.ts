/** What the payload builders produce and the plan shows: files for the live system, its boot entries. */

export interface PayloadFile {
  /** Path inside the live system (the appended cpio's member, or a file Ignition writes). */
  path: string;
  mode: number;
  bytes: number;
  /** Shown in the plan; Ignition configs and keys are never shown, only their size and hash. */
  preview?: string;
}

export interface BootEntriesPlan {
  /** replace = add NestOS first and delete the old entries on the disk; demote = keep them, last; none = BIOS. */
  action: 'replace' | 'demote' | 'none';
  reason: string;
  label: string;
  /** shim<suffix>.efi / BOOT<SUFFIX>.EFI: x64 or aa64. */
  archSuffix: 'x64' | 'aa64';
  /** Preferred loader and the removable-media fallback, as the live system looks for them. */
  loader: string;
  fallbackLoader: string;
  /** GUIDs of the destination disk's partitions now: entries naming one of them are the old system's. */
  oldPartitionGuids: string[];
  /** Entries the live system will remove (or demote), by number, as read now. */
  affected: string[];
}
