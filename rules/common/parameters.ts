/** Parameter schemas that several rules declare the same way. */
export const EXEMPTION_TAG_KEY = {
  type: 'string',
  description: 'A resource carrying this tag is NOT_APPLICABLE; the tag value is recorded as the reason.',
  default: 'ecr-guardrails:exempt',
  minLength: 1,
  maxLength: 128,
  pattern: '^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$',
} as const;

/** Comma-separated ECR wildcard filters (the pattern ECR itself enforces on filters). */
export function wildcardList(description: string) {
  return {
    type: 'array',
    description,
    default: [] as string[],
    items: { type: 'string', pattern: '^[0-9a-zA-Z._*-]{1,128}$' },
  } as const;
}
