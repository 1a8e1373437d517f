/** IPv4 CIDR arithmetic for security group coverage. Pure. */

export interface Range {
  start: number;
  end: number;
}

/** `10.0.0.0/16` -> its first and last address as numbers; undefined for anything not IPv4 CIDR. */
export function parseIpv4Cidr(cidr: string): Range | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const start = Math.floor(address / size) * size;
  return { start, end: start + size - 1 };
}

/** Merges ranges into disjoint, sorted ranges (adjacent ones joined). */
export function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: Range[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** True when the union of `admitted` CIDRs contains every address of `cidr`. */
export function cidrCovered(cidr: string, admitted: readonly string[]): boolean {
  const target = parseIpv4Cidr(cidr);
  if (!target) return false;
  const ranges = admitted.map(parseIpv4Cidr).filter((r): r is Range => r !== undefined);
  return mergeRanges(ranges).some((r) => r.start <= target.start && r.end >= target.end);
}
