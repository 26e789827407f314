/**
 * Access groups: which of a fleet's cameras a principal may use, decided by IAM from one tag on
 * the camera's channel and stream and the principal tag of the same key (a Cognito identity's
 * mapped user attribute, or a session tag of `sts:AssumeRole`).
 */
import { ACCESS_GROUP_TAG_KEY } from './tags-and-quotas';

/**
 * The condition of every access-group grant: the resource's access group equals the caller's.
 *
 * IAM compares with `StringEquals`: a resource without the tag has no value to equal anything,
 * and a principal without the tag leaves the policy variable unresolved, which makes the
 * condition false ("Policy variables with no value", IAM User Guide). Neither matches the other
 * when both are missing. `test/viewer-identity.test.ts` proves both by simulation;
 * docs/design/viewer-identity.md has the reasoning.
 */
export function accessGroupCondition(): Record<string, string> {
  return { [`aws:ResourceTag/${ACCESS_GROUP_TAG_KEY}`]: `\${aws:PrincipalTag/${ACCESS_GROUP_TAG_KEY}}` };
}
