/**
 * Loopback stand-ins for the other services the camera onboarding worker calls, in the wire
 * format of their SDK v3 clients (3.1116), reached through AWS_ENDPOINT_URL_IOT,
 * AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_SQS:
 *
 * - `IotRegistryStandIn` (restJson1): DescribeThing (`GET /things/{name}`), ListThings
 *   (`GET /things`, paginated), both with the thing's attributes; registering, updating (attributes)
 *   and deleting a thing emits its registry event (`$aws/events/thing/<name>/created|updated|deleted`,
 *   already projected by the topic rule's SELECT);
 * - `DynamoDbStandIn` (awsJson1_0): GetItem, UpdateItem (SET/REMOVE, and ADD/DELETE of a string
 *   set under the one condition the worker's budget uses), Scan;
 * - `SqsStandIn` (awsJson1_0): SendMessageBatch; and the event source mapping's side (receive up
 *   to 10 visible messages, delete, make visible again after a delay, dead-letter after N receives).
 *
 * Each models only what the worker uses; anything else answers an error, so that a change in the
 * worker that the stand-in does not understand fails the simulation instead of passing silently.
 */
import { createHash } from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';

/** An HTTP server on loopback that hands each request, body read, to `serve`. */
export abstract class LoopbackServer {
  /**
   * The share of calls answered with the service's throttling error (0: none, the default), for
   * fault scenarios; `throttled` counts them. Drawn from a seeded generator: runs repeat.
   */
  public throttleRate = 0;
  public throttled = 0;
  private seed = 7;
  private server?: http.Server;

  /** Whether to throttle this call (counted). */
  protected throttleNow(): boolean {
    if (this.throttleRate <= 0) {
      return false;
    }
    this.seed = (this.seed * 1103515245 + 12345) % 2 ** 31;
    if (this.seed / 2 ** 31 < this.throttleRate) {
      this.throttled++;
      return true;
    }
    return false;
  }

  public async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => body += chunk);
      req.on('end', () => this.serve(req, body, res));
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server ? this.server.close(() => resolve()) : resolve());
  }

  protected abstract serve(req: http.IncomingMessage, body: string, res: http.ServerResponse): void;

  protected json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }
}

/** A registry event as the onboarding's topic rule projects it. */
export interface RegistryEvent {
  readonly thingName: string;
  readonly operation: 'CREATED' | 'UPDATED' | 'DELETED';
  readonly timestamp: number;
}

export class IotRegistryStandIn extends LoopbackServer {
  public readonly things = new Set<string>();
  /** Each thing's attributes (DescribeThing and ListThings return them). */
  public readonly attributes = new Map<string, Record<string, string>>();
  public readonly events: RegistryEvent[] = [];

  public register(name: string, attributes: Record<string, string> = {}): RegistryEvent {
    this.things.add(name);
    this.attributes.set(name, { ...attributes });
    const event: RegistryEvent = { thingName: name, operation: 'CREATED', timestamp: Date.now() };
    this.events.push(event);
    return event;
  }

  /**
   * UpdateThing's `attributePayload` (merge): a value replaces the attribute, an empty value
   * removes it ("To remove an attribute, call UpdateThing with an empty attribute value").
   */
  public update(name: string, attributes: Record<string, string>): RegistryEvent {
    const current = this.attributes.get(name) ?? {};
    for (const [key, value] of Object.entries(attributes)) {
      if (value === '') {
        delete current[key];
      } else {
        current[key] = value;
      }
    }
    this.attributes.set(name, current);
    const event: RegistryEvent = { thingName: name, operation: 'UPDATED', timestamp: Date.now() };
    this.events.push(event);
    return event;
  }

  public deregister(name: string): RegistryEvent {
    this.things.delete(name);
    this.attributes.delete(name);
    const event: RegistryEvent = { thingName: name, operation: 'DELETED', timestamp: Date.now() };
    this.events.push(event);
    return event;
  }

  protected serve(req: http.IncomingMessage, _body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (this.throttleNow()) {
      // AWS IoT's throttling (API reference: ThrottlingException, "The rate exceeds the limit").
      return this.json(res, 400, { message: 'Rate exceeded' }, { 'x-amzn-errortype': 'ThrottlingException' });
    }
    const one = /^\/things\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && one) {
      const name = decodeURIComponent(one[1]);
      return this.things.has(name)
        ? this.json(res, 200, { thingName: name, thingArn: `arn:aws:iot:us-east-1:123456789012:thing/${name}`, version: 1, attributes: this.attributes.get(name) ?? {} })
        : this.json(res, 404, { message: `Thing ${name} cannot be found.` }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
    }
    if (req.method === 'GET' && url.pathname === '/things') {
      const all = [...this.things].sort();
      const start = Number(url.searchParams.get('nextToken') ?? 0);
      const size = Number(url.searchParams.get('maxResults') ?? 50);
      const page = all.slice(start, start + size);
      return this.json(res, 200, {
        things: page.map((thingName) => ({ thingName, attributes: this.attributes.get(thingName) ?? {} })),
        nextToken: start + size < all.length ? String(start + size) : undefined,
      });
    }
    this.json(res, 400, { message: `the stand-in does not serve ${req.method} ${url.pathname}` }, { 'x-amzn-errortype': 'InvalidRequestException' });
  }
}

type Item = Record<string, { S?: string; N?: string; SS?: string[] }>;

const STATUS_CONDITION = 'attribute_not_exists(#status) OR #status <> :status';
const BUDGET_CONDITION = 'attribute_not_exists(#holders) OR contains(#holders, :name) OR size(#holders) < :budget';

export class DynamoDbStandIn extends LoopbackServer {
  public readonly items = new Map<string, Item>();

  protected serve(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const target = String(req.headers['x-amz-target'] ?? '').replace('DynamoDB_20120810.', '');
    const input = JSON.parse(body || '{}');
    const fail = (type: string, message: string) =>
      this.json(res, 400, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }, { 'content-type': 'application/x-amz-json-1.0' });
    const ok = (out: unknown) => this.json(res, 200, out, { 'content-type': 'application/x-amz-json-1.0' });
    if (this.throttleNow()) {
      // DynamoDB's throttling of on-demand tables, alternating with the provisioned one (both HTTP 400).
      return fail(this.throttled % 2 ? 'ThrottlingException' : 'ProvisionedThroughputExceededException', 'Throughput exceeds the current capacity');
    }
    switch (target) {
      case 'GetItem': {
        const item = this.items.get(input.Key.name.S);
        return ok(item ? { Item: item } : {});
      }
      case 'Scan':
        return ok({ Items: [...this.items.values()], Count: this.items.size });
      case 'UpdateItem': {
        const key: string = input.Key.name.S;
        const item: Item = structuredClone(this.items.get(key) ?? { name: { S: key } });
        const names: Record<string, string> = input.ExpressionAttributeNames ?? {};
        const values: Record<string, any> = input.ExpressionAttributeValues ?? {};
        if (input.ConditionExpression === STATUS_CONDITION) {
          if (item.status?.S === values[':status'].S) {
            return fail('ConditionalCheckFailedException', 'The conditional request failed');
          }
        } else if (input.ConditionExpression !== undefined) {
          if (input.ConditionExpression !== BUDGET_CONDITION) {
            return fail('ValidationException', `the stand-in does not evaluate the condition ${input.ConditionExpression}`);
          }
          const holders = item[names['#holders']]?.SS;
          const holds = !holders || holders.includes(values[':name'].S) || holders.length < Number(values[':budget'].N);
          if (!holds) {
            return fail('ConditionalCheckFailedException', 'The conditional request failed');
          }
        }
        const expression: string = input.UpdateExpression;
        const clauses = expression.split(/\s(?=SET |REMOVE |ADD |DELETE )/);
        for (const clause of clauses) {
          const [verb, ...rest] = clause.trim().split(' ');
          const parts = rest.join(' ').split(',').map((p) => p.trim());
          for (const part of parts) {
            if (verb === 'SET') {
              const [n, v] = part.split(' = ');
              item[names[n]] = values[v];
            } else if (verb === 'REMOVE') {
              delete item[names[part]];
            } else if (verb === 'ADD' || verb === 'DELETE') {
              const [n, v] = part.split(' ');
              const current = new Set(item[names[n]]?.SS ?? []);
              for (const s of values[v].SS) {
                if (verb === 'ADD') {
                  current.add(s);
                } else {
                  current.delete(s);
                }
              }
              if (current.size === 0) {
                delete item[names[n]];
              } else {
                item[names[n]] = { SS: [...current] };
              }
            } else {
              return fail('ValidationException', `the stand-in does not understand ${clause}`);
            }
          }
        }
        this.items.set(key, item);
        return ok({});
      }
    }
    return fail('UnknownOperationException', `the stand-in does not serve ${target}`);
  }
}

export interface QueuedMessage {
  readonly id: string;
  readonly body: string;
  visibleAt: number;
  receiveCount: number;
}

export class SqsStandIn extends LoopbackServer {
  public readonly messages: QueuedMessage[] = [];
  public readonly deadLetters: QueuedMessage[] = [];
  public sent = 0;
  private counter = 0;

  constructor(private readonly maxReceiveCount = 10) {
    super();
  }

  /** A message sent to the queue (by the topic rule, the backend, or the reconciliation). */
  public send(body: string, delayMs = 0): void {
    this.sent++;
    this.messages.push({ id: `message-${++this.counter}`, body, visibleAt: Date.now() + delayMs, receiveCount: 0 });
  }

  /** Up to `max` visible messages, hidden for `visibilityMs` (the event source mapping's poll). */
  public receive(max: number, visibilityMs: number): QueuedMessage[] {
    const now = Date.now();
    const batch = this.messages.filter((m) => m.visibleAt <= now).slice(0, max);
    for (const m of batch) {
      m.receiveCount++;
      m.visibleAt = now + visibilityMs;
    }
    return batch;
  }

  public delete(id: string): void {
    const i = this.messages.findIndex((m) => m.id === id);
    if (i >= 0) {
      this.messages.splice(i, 1);
    }
  }

  /** A failed message: visible again after `delayMs`, or dead-lettered after too many receives. */
  public retryLater(id: string, delayMs: number): void {
    const m = this.messages.find((x) => x.id === id);
    if (!m) {
      return;
    }
    if (m.receiveCount >= this.maxReceiveCount) {
      this.delete(id);
      this.deadLetters.push(m);
    } else {
      m.visibleAt = Date.now() + delayMs;
    }
  }

  protected serve(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const target = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
    const input = JSON.parse(body || '{}');
    if (this.throttleNow()) {
      return this.json(res, 400, { __type: 'com.amazonaws.sqs#RequestThrottled', message: 'Request is throttled.' }, { 'content-type': 'application/x-amz-json-1.0' });
    }
    if (target === 'SendMessageBatch') {
      for (const entry of input.Entries) {
        this.send(entry.MessageBody);
      }
      return this.json(res, 200, {
        Successful: input.Entries.map((e: { Id: string }) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: md5(input.Entries.find((x: any) => x.Id === e.Id).MessageBody) })),
        Failed: [],
      }, { 'content-type': 'application/x-amz-json-1.0' });
    }
    this.json(res, 400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: target }, { 'content-type': 'application/x-amz-json-1.0' });
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
