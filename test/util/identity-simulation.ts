/**
 * What the simulator needs to prove the identities of devices and end users: a template as a
 * device signed in as a thing sees it, a role's trust policy decision, and look-alikes of a
 * resource in another account or region. Shared by the proofs of CameraFleet, DeviceIdentity,
 * CameraOnboarding and ViewerIdentity.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, CfnTemplate, FOREIGN_ACCOUNT, FOREIGN_REGION, PolicySimulator, REGION } from './policy-simulation';

/**
 * A simulator of `template` as a device signed in as `thingName` sees it. IAM replaces
 * `${credentials-iot:ThingName}` with the thing name the device sent in the x-amzn-iot-thingname
 * header (which the credentials provider checks against the things attached to the certificate).
 * The simulator does not know that key (it drops it as not applicable to Kinesis Video), so the
 * substitution is made here, in the policies themselves, as the credentials provider's session
 * would see them.
 */
export function simulatorSignedInAs(stackName: string, template: CfnTemplate, thingName: string): PolicySimulator {
  return new PolicySimulator([{
    stackName,
    template: JSON.parse(JSON.stringify(template).split('${credentials-iot:ThingName}').join(thingName)),
  }]);
}

/**
 * The decision of a role's trust policy on `action` by `principal`; a principal of the account
 * gets an identity policy that allows everything, so that the trust policy alone decides.
 */
export async function trustDecision(role: { arn: string; trust: any }, principal: string, action: string, contextVariables: Record<string, any>) {
  const administrator = { name: 'administrator', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
  const response = await runSimulation({
    request: { principal, action, resource: { resource: role.arn, accountId: ACCOUNT }, contextVariables },
    identityPolicies: principal.startsWith(`arn:aws:iam::${ACCOUNT}:`) ? [administrator] : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: role.trust,
  }, { simulationMode: 'Strict' });
  return response.resultType === 'error' ? response.errors : response.overallResult;
}

/** The resource moved to another account, and to another region, tags and all. */
export function elsewhere<T extends { readonly arn: string }>(resource: T): T[] {
  return [
    { ...resource, arn: resource.arn.replace(`:${ACCOUNT}:`, `:${FOREIGN_ACCOUNT}:`) },
    { ...resource, arn: resource.arn.replace(`:${REGION}:`, `:${FOREIGN_REGION}:`) },
  ];
}

