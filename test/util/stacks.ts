/**
 * Factories of the constructs every test needs, and the logical ids CDK gives them.
 */
import { App, CfnElement, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';

/** A stack `id` (default `TestStack`) in a new app of its own (or in `app`). */
export function newStack(id = 'TestStack', props?: StackProps, app: App = new App()): Stack {
  return new Stack(app, id, props);
}

/** A role to grant to: assumable by the account (or by `assumedBy`), with no policy of its own. */
export function newRole(scope: Construct, id = 'Role', assumedBy: iam.IPrincipal = new iam.AccountRootPrincipal()): iam.Role {
  return new iam.Role(scope, id, { assumedBy });
}

/**
 * The logical id of a CloudFormation element, or of a construct's default child (the
 * `CfnRole` of an `iam.Role`, the `CfnResource` of a `CustomResource`), as the template has it
 * (with `overrideLogicalId` applied).
 */
export function logicalIdOf(construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement)) {
    throw new Error(`${construct.node.path} has no CloudFormation element`);
  }
  return Stack.of(element).resolve(element.logicalId);
}
