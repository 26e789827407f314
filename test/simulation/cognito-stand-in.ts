/**
 * A loopback stand-in for the Amazon Cognito user pools API (awsJson1_1, `X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Operation>`), reached by the real SDK client through
 * AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: DescribeUserPool (its SchemaAttributes, names with
 * `custom:`), ListUserPoolClients (paginated, 60 at most), DescribeUserPoolClient (WriteAttributes
 * returned only when the client has its own list, as the API reference says). Anything else is an error.
 */
import * as http from 'http';
import { LoopbackServer } from './onboarding-stand-ins';

export interface StandInClient {
  readonly clientId: string;
  readonly clientName: string;
  /** Undefined: the client was made without WriteAttributes. */
  readonly writeAttributes?: string[];
}

export class CognitoStandIn extends LoopbackServer {
  public readonly calls: string[] = [];

  constructor(public readonly pools: Record<string, { attributes: string[]; clients: StandInClient[] }>) {
    super();
  }

  protected serve(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const operation = String(req.headers['x-amz-target'] ?? '').replace('AWSCognitoIdentityProviderService.', '');
    const input = JSON.parse(body || '{}');
    this.calls.push(operation);
    const headers = { 'content-type': 'application/x-amz-json-1.1' };
    const pool = this.pools[input.UserPoolId];
    if (!pool) {
      return this.json(res, 400, { __type: 'ResourceNotFoundException', message: `User pool ${input.UserPoolId} does not exist.` }, headers);
    }
    switch (operation) {
      case 'DescribeUserPool':
        return this.json(res, 200, { UserPool: { Id: input.UserPoolId, SchemaAttributes: pool.attributes.map((Name) => ({ Name, AttributeDataType: 'String' })) } }, headers);
      case 'ListUserPoolClients': {
        const start = Number(input.NextToken ?? 0);
        const size = Math.min(Number(input.MaxResults ?? 60), 60);
        const page = pool.clients.slice(start, start + size);
        return this.json(res, 200, {
          UserPoolClients: page.map((c) => ({ ClientId: c.clientId, ClientName: c.clientName, UserPoolId: input.UserPoolId })),
          NextToken: start + size < pool.clients.length ? String(start + size) : undefined,
        }, headers);
      }
      case 'DescribeUserPoolClient': {
        const client = pool.clients.find((c) => c.clientId === input.ClientId);
        if (!client) {
          return this.json(res, 400, { __type: 'ResourceNotFoundException', message: 'no such client' }, headers);
        }
        const described = {
          ClientId: client.clientId, ClientName: client.clientName, UserPoolId: input.UserPoolId, WriteAttributes: client.writeAttributes,
        };
        return this.json(res, 200, { UserPoolClient: described }, headers);
      }
    }
    return this.json(res, 400, { __type: 'InvalidParameterException', message: `the stand-in does not serve ${operation}` }, headers);
  }
}
