/** The one parser of an HTTP Content-Range answer: `bytes 0-99/1234`, or `bytes *` then `/1234` for a refused range. */

export function parseContentRange(value: string | undefined): { start?: number; total?: number } | undefined {
  if (!value) return undefined;
  const match = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(value.trim());
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? undefined : Number(match[1]),
    total: match[3] === undefined || match[3] === '*' ? undefined : Number(match[3]),
  };
}
