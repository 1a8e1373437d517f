/** IPv4 and IPv6 CIDR arithmetic for security group coverage. Pure. */

export interface Range {
  /** 4 or 6: ranges of different families never cover each other. */
  family: 4 | 6;
  start: bigint;
  end: bigint;
}

function ipv4(text: string): bigint | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256n + BigInt(o), 0n);
}

function ipv6(text: string): bigint | undefined {
  if (!/^[0-9a-f:]+$/i.test(text) || text.split('::').length > 2) return undefined;
  const [head = '', tail] = text.split('::');
  const part = (s: string) => (s ? s.split(':') : []);
  const groups = tail === undefined ? part(head) : [...part(head), ...Array<string>(8 - part(head).length - part(tail).length).fill('0'), ...part(tail)];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n);
}

/** `10.0.0.0/16`, `2001:db8::/56`, or a bare address (a /32 or /128) -> its first and last address. */
export function parseCidr(cidr: string): Range | undefined {
  const [address = '', bitsText, extra] = cidr.trim().split('/');
  if (extra !== undefined) return undefined;
  const family = address.includes(':') ? 6 : 4;
  const value = family === 4 ? ipv4(address) : ipv6(address);
  const width = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (value === undefined || !(bits >= 0 && bits <= width)) return undefined;
  const size = 2n ** BigInt(width - bits);
  const start = (value / size) * size;
  return { family, start, end: start + size - 1n };
}

/** Merges ranges into disjoint, sorted ranges (adjacent ones joined), per family. */
export function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.family - b.family || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: Range[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.family === range.family && range.start <= last.end + 1n) last.end = last.end > range.end ? last.end : range.end;
    else merged.push({ ...range });
  }
  return merged;
}

/** A test for "the union of `admitted` contains every address of a CIDR", the union merged once. */
export function coverageOf(admitted: readonly string[]): (cidr: string) => boolean {
  const merged = mergeRanges(admitted.map(parseCidr).filter((r): r is Range => r !== undefined));
  return (cidr) => {
    const target = parseCidr(cidr);
    return !!target && merged.some((r) => r.family === target.family && r.start <= target.start && r.end >= target.end);
  };
}

/** True when the union of `admitted` CIDRs contains every address of `cidr` (IPv4 or IPv6; an address is a /32 or /128). */
export function cidrCovered(cidr: string, admitted: readonly string[]): boolean {
  return coverageOf(admitted)(cidr);
}

/** The VPC resolver's address in a block: the base of the IPv4 block plus two (undefined for IPv6 or unreadable blocks). */
export function resolverAddress(block: string): string | undefined {
  const range = parseCidr(block);
  if (!range || range.family !== 4) return undefined;
  const value = range.start + 2n;
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}
