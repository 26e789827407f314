import { CustomResource, Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BundledFunction } from './bundled-function';
import { newHandlerResources } from './handler-resources';
import { acknowledgeFunction } from './rule-acknowledgements';

/** What the guard's function may read: the pool and its app clients, nothing else. */
const GUARD_ACTIONS = ['cognito-idp:DescribeUserPool', 'cognito-idp:ListUserPoolClients', 'cognito-idp:DescribeUserPoolClient'];


/**
 * The deploy-time guard of a `ViewerIdentity`: a custom resource that reads the user pool and
 * every one of its app clients (also those made outside the app, and those of an imported pool)
 * and fails the deployment when the pool lacks the access-group attribute or a client lets its
 * users write it. Synthesis checks what the app defines; this checks what exists.
 */
export class UserPoolGuard extends Construct {
  /** The custom resource: what must wait for the check (the identity pool's role attachment). */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: { userPool: cognito.IUserPool; attribute: string }) {
    super(scope, id);
    const { logGroup, role } = newHandlerResources(this, {
      ids: { logGroup: 'LogGroup', role: 'Role' },
      description: 'Reads a user pool and its app clients, to fail the deployment when a user could write their own access group',
      policyName: 'UserPoolGuard',
      statements: [new iam.PolicyStatement({ actions: GUARD_ACTIONS, resources: [props.userPool.userPoolArn] })],
    });
    const fn = new BundledFunction(this, 'Function', {
      bundle: 'user-pool-guard/index.lambda',
      description: 'Fails the deployment when an app client of the user pool lets users write their access group (cdk-kinesis-video-webrtc)',
      role,
      logGroup,
      timeout: Duration.minutes(1),
    });
    this.resource = new CustomResource(this, 'Check', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::UserPoolClientsGuard',
      serviceTimeout: Duration.minutes(2),
      properties: { UserPoolId: props.userPool.userPoolId, Attribute: props.attribute },
    });
    // the check reads the pool's clients as they are once the app's own are made
    for (const client of props.userPool.node.findAll().filter((c) => c instanceof cognito.CfnUserPoolClient)) {
      this.resource.node.addDependency(client);
    }

    acknowledgeFunction({ fn, role, logGroup }, {
      inlinePolicy: 'The policy belongs to this role alone and is created and deleted with it: an inline policy keeps that strict one-to-one relationship.',
      concurrency: 'The function runs only when CloudFormation creates or updates the guard of the user pool.',
      deadLetter: 'CloudFormation invokes the function and waits for its answer, which the handler always sends; there is nothing to dead-letter.',
      outsideVpc: 'The function calls the public Amazon Cognito endpoint only; in a VPC it would need a NAT gateway or an interface endpoint.',
      logs: 'The function logs the pool\'s and clients\' ids and whether the check passed: no credentials. CloudWatch Logs encrypts every ' +
        'log group at rest with AWS owned keys.',
    });
  }
}
