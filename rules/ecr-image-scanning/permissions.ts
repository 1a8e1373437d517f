/** IAM actions the ecr-image-scanning collector needs; kept apart so rule metadata loads no SDK. */
export const IMAGE_SCANNING_PERMISSIONS = [
  'ecr:GetRegistryScanningConfiguration',
  'ecr:BatchGetRepositoryScanningConfiguration',
  'ecr:DescribeImages',
  'inspector2:BatchGetAccountStatus',
  'inspector2:ListFindings',
];
