/**
 * The media storage link provider's role, simulated: the link actions only on channels and streams
 * tagged with its own stack id, logs only on its own log group (the app is
 * test/util/ingestion-app.ts); the owner record (docs/design/link-handler.md, "Ownership"): the owner
 * key only, on its own stack's channels only; and the function's settings.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { WebRtcIngestion } from '../../src';
import { MediaStorageLinkProvider } from '../../src/private/media-storage-link-provider';
import { LINK_OWNER_TAG_KEY, LINKS_IN_STACK_ENV } from '../../src/private/media-storage-link-settings';
import { LINK_SCOPE_TAG_KEY } from '../../src/private/tags-and-quotas';
import { asArray, identityPolicyStatements } from '../util/iam-statements';
import { buildFixture, CAMERAS, catalogueActions, CONSUMERS, Fixture, FLAG_SETS, kinesisVideoResources, kmsResources, LINK_SCOPE_TAG } from '../util/ingestion-app';
import { getAttArn, referencedLogicalIds } from '../util/intrinsics';
import {
  ACCOUNT, cellKey, cells, CHANNEL_CREATION_TIME, expectedCells, fakeStackId, matchesIamPattern, PARTITION, PolicySimulator, PrincipalRef, readable,
  REGION, SIMULATED_ENV,
} from '../util/policy-simulation';
import { newStack } from '../util/stacks';
import { CfnTemplate, onlyLogicalIdOfType } from '../util/templates';


/** The role a Lambda function runs as (its `Role`, `Fn::GetAtt [role, Arn]`). */
function roleOf(template: CfnTemplate, fn: string): string {
  const role = template.Resources![fn].Properties!.Role;
  expect(role).toEqual(getAttArn(expect.any(String)));
  return referencedLogicalIds(role)[0];
}

let kinesisVideoActions: string[];
let kmsActions: string[];
let logsActions: string[];

beforeAll(async () => {
  kinesisVideoActions = await catalogueActions('kinesisvideo');
  kmsActions = await catalogueActions('kms');
  logsActions = await catalogueActions('logs');
  expect(kinesisVideoActions).toContain('kinesisvideo:UpdateMediaStorageConfiguration');
  expect(kinesisVideoActions).toContain('kinesisvideo:DescribeMappedResourceConfiguration');
});

describe.each(FLAG_SETS)('with %s', (_flags, flagContext) => {
  let fixture: Fixture;
  beforeAll(() => {
    fixture = buildFixture(flagContext);
  });

  describe('the media storage link provider role', () => {
    const ofThisAccountAndRegion = (type: 'channel' | 'stream', resources: Record<string, string>) =>
      Object.values(resources).filter((arn) => matchesIamPattern(`arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:${type}/*`, arn) || arn === '*');

    test('the channels and streams carry their own stack id in the scope tag', () => {
      expect(fixture.channelTags.A).toBe(fixture.sim.stackId(CAMERAS));
      expect(fixture.channelTags.D).toBe(fixture.sim.stackId(CONSUMERS));
      expect(fixture.channelTags.A).not.toBe(fixture.channelTags.D);
      expect(fixture.streamTags).toEqual(fixture.channelTags);
    });

    test.each([CAMERAS, CONSUMERS] as const)('%s: DescribeMappedResourceConfiguration only on streams tagged with its stack id', async (stackName) => {
      const provider = fixture.providers[stackName];
      const sim = fixture.sim;
      const [own, other] = stackName === CAMERAS ? ['A', 'D'] as const : ['D', 'A'] as const;
      const ownStream = fixture.cameras[own].stream;
      const otherStream = fixture.cameras[other].stream;
      const ownTag = fixture.streamTags[own];
      const otherTag = fixture.streamTags[other];
      const read = async (resource: string, context: Record<string, string>) =>
        (await sim.evaluate({ principal: provider.principal, action: 'kinesisvideo:DescribeMappedResourceConfiguration', resource, context })).allowed;

      expect(await read(ownStream, { [LINK_SCOPE_TAG]: ownTag })).toBe(true);
      expect(await read(ownStream, { [LINK_SCOPE_TAG]: otherTag })).toBe(false);
      expect(await read(ownStream, {})).toBe(false); // an imported stream: no tag
      expect(await read(otherStream, { [LINK_SCOPE_TAG]: otherTag })).toBe(false);
      expect(await read(ownStream, { [LINK_SCOPE_TAG]: ownTag.toUpperCase() })).toBe(false);
      // on the channel, whose resource type it is not, it matches nothing
      expect(await read(fixture.cameras[own].channel, { [LINK_SCOPE_TAG]: ownTag })).toBe(false);
    });

    test.each([CAMERAS, CONSUMERS] as const)('%s: UpdateMediaStorageConfiguration only on channels tagged with its stack id', async (stackName) => {
      const provider = fixture.providers[stackName];
      const sim = fixture.sim;
      const ownChannel = stackName === CAMERAS ? fixture.cameras.A.channel : fixture.cameras.D.channel;
      const otherChannel = stackName === CAMERAS ? fixture.cameras.D.channel : fixture.cameras.A.channel;
      const ownTag = stackName === CAMERAS ? fixture.channelTags.A : fixture.channelTags.D;
      const otherTag = stackName === CAMERAS ? fixture.channelTags.D : fixture.channelTags.A;
      const update = async (resource: string, context: Record<string, string>) =>
        (await sim.evaluate({ principal: provider.principal, action: 'kinesisvideo:UpdateMediaStorageConfiguration', resource, context })).allowed;

      expect(await update(ownChannel, { [LINK_SCOPE_TAG]: ownTag })).toBe(true);
      expect(await update(ownChannel, { [LINK_SCOPE_TAG]: otherTag })).toBe(false);
      expect(await update(ownChannel, {})).toBe(false);
      expect(await update(otherChannel, { [LINK_SCOPE_TAG]: otherTag })).toBe(false);
      expect(await update(ownChannel, { [LINK_SCOPE_TAG]: ownTag.toUpperCase() })).toBe(false);
      expect(await update(ownChannel, { 'aws:ResourceTag/some-other-tag': ownTag })).toBe(false);
    });

    test.each([CAMERAS, CONSUMERS] as const)('%s: no other Kinesis Video cell, whatever the tag', async (stackName) => {
      const provider = fixture.providers[stackName];
      const resources = kinesisVideoResources(fixture);
      const arns = Object.values(resources);
      const ownTag = fixture.sim.stackId(stackName);
      const otherTag = fixture.sim.stackId(stackName === CAMERAS ? CONSUMERS : CAMERAS);

      // With its own tag on every resource: the link and its read on every channel of its account and
      // region, the read of the mapping on every stream of its account and region (the tag, not the
      // name, scopes them), nothing else, nothing in other regions or accounts.
      // The tag key does not apply to wildcard-only actions; the simulator then drops it.
      const withOwnTag = await fixture.sim.allowedCells(
        provider.principal, kinesisVideoActions, arns, { [LINK_SCOPE_TAG]: ownTag }, { strictContext: false });
      const expected = new Set([
        ...ofThisAccountAndRegion('channel', resources).flatMap((arn) => [
          cellKey('kinesisvideo:DescribeMediaStorageConfiguration', arn),
          cellKey('kinesisvideo:UpdateMediaStorageConfiguration', arn),
          // the read of the owner record; TagResource/UntagResource need aws:TagKeys ("the provider role and the owner record", below)
          cellKey('kinesisvideo:ListTagsForResource', arn),
        ]),
        ...ofThisAccountAndRegion('stream', resources).map((arn) => cellKey('kinesisvideo:DescribeMappedResourceConfiguration', arn)),
      ]);
      expect(readable(withOwnTag, resources)).toEqual(readable(expected, resources));

      const contexts: Array<Record<string, string>> = [{ [LINK_SCOPE_TAG]: otherTag }, {}];
      for (const context of contexts) {
        const actual = await fixture.sim.allowedCells(provider.principal, kinesisVideoActions, arns, context, { strictContext: false });
        expect(readable(actual, resources)).toEqual([]);
      }
    });

    test.each([CAMERAS, CONSUMERS] as const)('%s: logs actions only on its own log group; no KMS', async (stackName) => {
      const provider = fixture.providers[stackName];
      const other = fixture.providers[stackName === CAMERAS ? CONSUMERS : CAMERAS];
      const logGroupBase = (arn: string) => arn.replace(/:\*$/, '');
      const logs = (rest: string) => `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:${rest}`;
      const resources: Record<string, string> = {
        'own log stream': `${logGroupBase(provider.logGroupArn)}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`,
        'own log group': logGroupBase(provider.logGroupArn),
        'other provider log stream': `${logGroupBase(other.logGroupArn)}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`,
        'default Lambda log stream': logs('log-group:/aws/lambda/some-function:log-stream:x'),
        'any log group': logs('log-group:*'),
        '*': '*',
      };
      const arns = Object.values(resources);
      const actual = await fixture.sim.allowedCells(provider.principal, logsActions, arns);
      const grants = cells(['logs:CreateLogStream', 'logs:PutLogEvents'], resources['own log stream']);
      expect(readable(actual, resources)).toEqual(readable(expectedCells(grants, logsActions, arns), resources));

      const kmsCells = await fixture.sim.allowedCells(provider.principal, kmsActions, Object.values(kmsResources(fixture)));
      expect([...kmsCells]).toEqual([]);
    });
  });
});

test('the link provider exposes no role (nothing reads it)', () => {
  const provider = MediaStorageLinkProvider.getOrCreate(new Stack());
  expect(Object.keys(provider)).not.toContain('role');
  expect((provider as any).role).toBeUndefined();
});

describe('the provider role and the owner record', () => {
  const OWNER_KEY = LINK_OWNER_TAG_KEY;
  const channel = `arn:${PARTITION}:kinesisvideo:${REGION}:${ACCOUNT}:channel/front-door/${CHANNEL_CREATION_TIME}`;
  let sim: PolicySimulator;
  let principal: PrincipalRef;
  let ownStack: string;

  beforeAll(() => {
    const app = new App();
    const stack = new Stack(app, 'Camera', { env: SIMULATED_ENV });
    new WebRtcIngestion(stack, 'FrontDoor', { channelName: 'front-door', streamName: 'front-door' });
    sim = PolicySimulator.fromStacks(stack);
    const template = sim.template('Camera');
    const fn = onlyLogicalIdOfType(template, 'AWS::Lambda::Function');
    principal = { stackName: 'Camera', logicalId: roleOf(template, fn) };
    ownStack = sim.stackId('Camera');
  });

  const allowed = async (action: string, context: Record<string, string | string[]>) =>
    (await sim.evaluate({ principal, action, resource: channel, context }, { strictContext: false })).allowed;
  const scope = (stackId: string) => ({ [`aws:ResourceTag/${LINK_SCOPE_TAG_KEY}`]: stackId });

  test('exact actions: the link, its read-back, the owner record; the stream mapping read; logs', () => {
    const template = sim.template('Camera');
    const actions = identityPolicyStatements(template)
      .filter(({ policy }) => policy.source === principal.logicalId)
      .map(({ statement }) => asArray(statement.Action).sort());
    expect(actions).toEqual([
      ['kinesisvideo:DescribeMediaStorageConfiguration', 'kinesisvideo:ListTagsForResource', 'kinesisvideo:UpdateMediaStorageConfiguration'],
      ['kinesisvideo:TagResource', 'kinesisvideo:UntagResource'],
      ['kinesisvideo:DescribeMappedResourceConfiguration'],
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
    ]);
  });

  test.each(['kinesisvideo:TagResource', 'kinesisvideo:UntagResource'])('%s: the owner key only, on its own stack\'s channels only', async (action) => {
    expect(await allowed(action, { ...scope(ownStack), 'aws:TagKeys': [OWNER_KEY] })).toBe(true);
    // never the stack tag, alone or beside the owner key; never another key
    expect(await allowed(action, { ...scope(ownStack), 'aws:TagKeys': [LINK_SCOPE_TAG_KEY] })).toBe(false);
    expect(await allowed(action, { ...scope(ownStack), 'aws:TagKeys': [OWNER_KEY, LINK_SCOPE_TAG_KEY] })).toBe(false);
    expect(await allowed(action, { ...scope(ownStack), 'aws:TagKeys': ['team'] })).toBe(false);
    // a request without tag keys is not let through by ForAllValues' empty set
    expect(await allowed(action, { ...scope(ownStack) })).toBe(false);
    // another stack's channel, or an untagged one
    expect(await allowed(action, { ...scope(fakeStackId('Other')), 'aws:TagKeys': [OWNER_KEY] })).toBe(false);
    expect(await allowed(action, { 'aws:TagKeys': [OWNER_KEY] })).toBe(false);
  });

  test('ListTagsForResource: on its own stack\'s channels only', async () => {
    expect(await allowed('kinesisvideo:ListTagsForResource', scope(ownStack))).toBe(true);
    expect(await allowed('kinesisvideo:ListTagsForResource', scope(fakeStackId('Other')))).toBe(false);
    expect(await allowed('kinesisvideo:ListTagsForResource', {})).toBe(false);
  });

  test('the function knows how many links its stack holds, counted at synthesis', () => {
    const stack = newStack('Cameras');
    for (const name of ['A', 'B', 'C']) {
      new WebRtcIngestion(stack, name);
    }
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [LINKS_IN_STACK_ENV]: '3' }) },
    });
  });
});
