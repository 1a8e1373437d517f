/** An image digest shortened for annotations: `sha256:` and the first 12 hex digits (as `docker images` shows them). */
export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(':') ? digest.split(':', 2) : ['sha256', digest];
  return `${algorithm}:${(hex ?? '').slice(0, 12)}`;
}
