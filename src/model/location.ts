/** An artifact, ISO or Ignition location is either an http(s) URL or a local path. */
export function isRemote(location: string): boolean {
  return /^https?:\/\//i.test(location);
}
