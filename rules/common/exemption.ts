/**
 * The exemption tag, shared by every rule: a resource tagged with the rule's `ExemptionTagKey`
 * is NOT_APPLICABLE, and the tag's value is recorded as the reason.
 */

/** The NOT_APPLICABLE annotation for an exempt resource, or undefined when it is not exempt. */
export function exemptionAnnotation(tags: Readonly<Record<string, string>>, exemptionTagKey: string): string | undefined {
  const reason = tags[exemptionTagKey];
  if (reason === undefined) return undefined;
  return `Exempt by tag ${exemptionTagKey}: ${reason.trim() || '(no reason given in the tag value)'}.`;
}
