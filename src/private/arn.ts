import { Arn, ArnFormat, Fn, Token } from 'aws-cdk-lib';

/** The two Kinesis Video resource types whose ARNs the library accepts. */
export type KinesisVideoResourceType = 'channel' | 'stream';

/**
 * The resource name inside a Kinesis Video ARN
 * (`arn:<partition>:kinesisvideo:<region>:<account>:<type>/<name>/<creation-time>`).
 *
 * A literal ARN is checked and parsed here, so a typo fails at synthesis; a token ARN
 * becomes `Fn::Select`/`Fn::Split` and is resolved by CloudFormation.
 *
 * @param arn the ARN
 * @param resourceType the type the ARN must have
 * @param argumentName what to call the ARN in an error message
 */
export function kinesisVideoResourceNameFromArn(
  arn: string,
  resourceType: KinesisVideoResourceType,
  argumentName: string,
): string {
  if (Token.isUnresolved(arn)) {
    const resourceName = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    return Fn.select(0, Fn.split('/', resourceName));
  }
  const pattern = new RegExp(`^arn:[a-z0-9-]+:kinesisvideo:[a-z0-9-]+:[0-9]{12}:${resourceType}/([a-zA-Z0-9_.-]{1,256})/[0-9]+$`);
  const match = pattern.exec(arn);
  if (!match) {
    throw new Error(
      `invalid ${argumentName}: expected a Kinesis Video ${resourceType} ARN ` +
      `(arn:<partition>:kinesisvideo:<region>:<account>:${resourceType}/<name>/<creation-time>), got '${arn}'`,
    );
  }
  return match[1];
}
