import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct, IConstruct } from 'constructs';
import { StorageTier } from '../video-stream';

/**
 * Every rule the library checks its input against. A value is checked once, by the construct
 * the user gives it to, under the name the user wrote; the constructs it creates from the value
 * are told so (`CheckedUpstream`). Rules skip unresolved tokens; CloudFormation checks those.
 */

// ---------------------------------------------------------------------------------------------
// Ranges

/** A range of whole durations. */
export interface DurationRange {
  readonly unit: 'seconds' | 'hours';
  readonly min: number;
  readonly max: number;
}

/** A signaling channel's message TTL (CreateSignalingChannel API). */
export const MESSAGE_TTL: DurationRange = { unit: 'seconds', min: 5, max: 120 };

/** The most hours a stream keeps media (CloudFormation and the CreateStream API): 10 years. */
const RETENTION_MAX_HOURS = 87_600;

/** A stream's DataRetentionInHours; 0 keeps nothing. */
export const RETENTION: DurationRange = { unit: 'hours', min: 0, max: RETENTION_MAX_HOURS };

/** A recorded stream's retention: ingestion refuses a stream that keeps nothing (NoDataRetentionException). */
export const INGESTION_RETENTION: DurationRange = { unit: 'hours', min: 1, max: RETENTION_MAX_HOURS };

/** A role alias' credential duration (CreateRoleAlias, `AWS::IoT::RoleAlias`). */
export const CREDENTIAL_DURATION: DurationRange = { unit: 'seconds', min: 900, max: 43_200 };

/**
 * The library's bad-input error: `invalid <property>: <problem>, in '<construct path>'`, then
 * any detail (e.g. aws-cdk's own message).
 */
function invalid(scope: IConstruct, property: string, problem: string, detail?: string): Error {
  return new Error(`invalid ${property}: ${problem}, in '${scope.node.path}'${detail === undefined ? '' : `: ${detail}`}`);
}

// ---------------------------------------------------------------------------------------------
// Names

/**
 * The characters of every Kinesis Video name that CloudFormation and the KVS API accept: channel
 * and stream names (1 to 256 of them) and a stream's DeviceName (1 to 128).
 */
const KINESIS_VIDEO_NAME_CHARACTERS = 'a-zA-Z0-9_.-';
const RESOURCE_NAME_MAX_LENGTH = 256;
const DEVICE_NAME_MAX_LENGTH = 128;

/** `type/subtype[,type/subtype…]`, the pattern of the stream's MediaType. */
const MEDIA_TYPE_PATTERN = /^[\w\-.+]+\/[\w\-.+]+(,[\w\-.+]+\/[\w\-.+]+)*$/;
const MEDIA_TYPE_MAX_LENGTH = 128;

/** A channel or stream name: 1 to 256 of `[a-zA-Z0-9_.-]`. Tokens pass. */
export function validateResourceName(scope: IConstruct, property: string, value: string | undefined): void {
  validateKinesisVideoName(scope, property, value, RESOURCE_NAME_MAX_LENGTH);
}

/** A stream's device name: 1 to 128 of `[a-zA-Z0-9_.-]`. Tokens pass. */
export function validateDeviceName(scope: IConstruct, property: string, value: string | undefined): void {
  validateKinesisVideoName(scope, property, value, DEVICE_NAME_MAX_LENGTH);
}

function validateKinesisVideoName(scope: IConstruct, property: string, value: string | undefined, maxLength: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!new RegExp(`^[${KINESIS_VIDEO_NAME_CHARACTERS}]{1,${maxLength}}$`).test(value)) {
    throw invalid(scope, property,
      `expected 1 to ${maxLength} characters from a-z, A-Z, 0-9, '_', '.' and '-', got '${value}' (${value.length} characters)`);
  }
}

/** `AWS::IoT::RoleAlias` RoleAlias: `[\w=,@-]+`, 1 to 128 characters (CloudFormation resource reference). */
const ROLE_ALIAS_NAME_PATTERN = /^[\w=,@-]{1,128}$/;

/** An AWS IoT role alias name. Tokens pass. */
export function validateRoleAliasName(scope: IConstruct, property: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value) || ROLE_ALIAS_NAME_PATTERN.test(value)) {
    return;
  }
  throw invalid(scope, property,
    `expected 1 to 128 characters from a-z, A-Z, 0-9, '_', '=', ',', '@' and '-', got '${value}' (${value.length} characters)`);
}

// ---------------------------------------------------------------------------------------------
// Other values

/**
 * A duration as a whole number of the range's unit within it.
 *
 * @returns the number of units (a token when the duration is a token), or undefined
 */
export function wholeDurationInRange(scope: IConstruct, property: string, value: Duration | undefined, range: DurationRange): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const { unit, min, max } = range;
  if (value.isUnresolved()) {
    try {
      return durationIn(value, unit);
    } catch (e) {
      throw invalid(scope, property, `a duration from a token must be given in ${unit} (Duration.${unit}(token))`, (e as Error).message);
    }
  }
  const amount = unit === 'seconds' ? value.toSeconds({ integral: false }) : value.toHours({ integral: false });
  if (!Number.isInteger(amount) || amount < min || amount > max) {
    const inUnit = `${Number(amount.toFixed(6))} ${unit}`;
    const asGiven = value.toHumanString();
    throw invalid(scope, property,
      `expected a whole number of ${unit} from ${min} to ${max}, got ${inUnit}${asGiven === inUnit ? '' : ` (${asGiven})`}`);
  }
  return amount;
}

/** A duration already checked (by `wholeDurationInRange`, in an enclosing construct), in `unit`. */
export function durationIn(value: Duration | undefined, unit: 'seconds' | 'hours'): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  return unit === 'seconds' ? value.toSeconds() : value.toHours();
}

/** The settings of a recorded camera, as `WebRtcIngestion` and `CameraFleet` take them. */
export interface CameraSettings {
  readonly messageTtl?: Duration;
  readonly retention?: Duration;
  readonly mediaType?: string;
  readonly storageTier?: StorageTier;
}

/**
 * Every rule of a recorded camera's settings: a `WebRtcIngestion`'s, a fleet camera's, and the
 * fleet defaults that run-time cameras take. Tokens pass.
 */
export function validateCameraSettings(scope: IConstruct, settings: CameraSettings): void {
  wholeDurationInRange(scope, 'messageTtl', settings.messageTtl, MESSAGE_TTL);
  wholeDurationInRange(scope, 'retention', settings.retention, INGESTION_RETENTION);
  validateMediaType(scope, 'mediaType', settings.mediaType);
  validateOneOf(scope, 'storageTier', settings.storageTier, Object.values(StorageTier));
}

/**
 * A value of a string enum, for callers that bypass the type (JavaScript, or other jsii
 * languages given a raw string). Tokens pass.
 */
export function validateOneOf(scope: IConstruct, property: string, value: string | undefined, allowed: readonly string[]): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!allowed.includes(value)) {
    throw invalid(scope, property, `expected one of ${allowed.map(a => `'${a}'`).join(', ')}, got '${value}'`);
  }
}

/** A media type list such as `video/h264,audio/aac`, 1 to 128 characters. Tokens pass. */
export function validateMediaType(scope: IConstruct, property: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (value.length > MEDIA_TYPE_MAX_LENGTH || !MEDIA_TYPE_PATTERN.test(value)) {
    throw invalid(scope, property,
      `expected 'type/subtype' or a comma-separated list of them, 1 to ${MEDIA_TYPE_MAX_LENGTH} characters, got '${value}' (${value.length} characters)`);
  }
}

// ---------------------------------------------------------------------------------------------
// Who checks a value

/** A property as the user wrote it: the construct they gave it to, and its name there. */
export interface PropertyAsWritten {
  readonly construct: IConstruct;
  readonly property: string;
}

/**
 * What a construct tells the construct it creates from the user's values (a camera its channel
 * and stream, a fleet its cameras): it checked them already, and under which names the user
 * wrote them. The created construct then checks nothing again, and names the user's property in
 * the errors it can only raise later (a duplicate name at synthesis, a use across environments).
 */
export interface CheckedUpstream {
  /**
   * The construct the errors name.
   *
   * @default - the created construct
   */
  readonly construct?: IConstruct;
  /** The created construct's property names, each mapped to the name the user wrote. */
  readonly names: Readonly<Record<string, string>>;
}

/** Where the user wrote `property` of `construct`: there, or as `upstream` says. */
export function asWritten(construct: IConstruct, property: string, upstream: CheckedUpstream | undefined): PropertyAsWritten {
  return { construct: upstream?.construct ?? construct, property: upstream?.names[property] ?? property };
}

// ---------------------------------------------------------------------------------------------
// Rules across constructs

/** Literal names per stack, per kind of resource, with the constructs that hold them. */
const namesInStacks = new WeakMap<Stack, Map<string, Map<string, PropertyAsWritten[]>>>();

/**
 * Refuse, at synthesis, a literal name that another construct of the same kind in the same
 * stack also uses: KVS names are unique per account and region, so the second resource would
 * fail minutes into the deployment. Every construct that holds the name reports the error.
 *
 * @param holder the construct that received the name from the user, and the property it came in
 * @param kind the kind of resource, e.g. 'signaling channel'
 * @param name the name; undefined and tokens are not checked
 */
export function requireUniqueNameInStack(holder: PropertyAsWritten, kind: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  const stack = Stack.of(holder.construct);
  let kinds = namesInStacks.get(stack);
  if (!kinds) {
    kinds = new Map();
    namesInStacks.set(stack, kinds);
  }
  let names = kinds.get(kind);
  if (!names) {
    names = new Map();
    kinds.set(kind, names);
  }
  const holders = names.get(name) ?? [];
  holders.push(holder);
  names.set(name, holders);

  holder.construct.node.addValidation({
    validate: () => holders.length < 2 ? [] : [
      `duplicate ${holder.property} '${name}': ${kind} names must be unique per account and region, ` +
      `but ${holders.length} ${kind}s in stack '${stack.node.path}' use it (${holders.map(h => h.construct.node.path).join(', ')})`,
    ],
  });
}

/**
 * The name of a channel or stream made in this app, and its rules: 1 to 256 characters (unless
 * checked upstream), unique in its stack (at synthesis), and given when the resource is used
 * from another environment.
 */
export class KinesisVideoName {
  private readonly asWritten: PropertyAsWritten;

  /**
   * @param resource the channel or the stream
   * @param kind 'signaling channel' or 'video stream', for the messages
   * @param property the resource's name property
   * @param name its value
   * @param upstream set when the construct that made the resource checked the name
   */
  constructor(
    private readonly resource: IConstruct,
    private readonly kind: 'signaling channel' | 'video stream',
    property: string,
    private readonly name: string | undefined,
    upstream: CheckedUpstream | undefined,
  ) {
    this.asWritten = asWritten(resource, property, upstream);
    if (!upstream) {
      validateResourceName(resource, property, name);
    }
    requireUniqueNameInStack(this.asWritten, kind, name);
  }

  /**
   * Refuses a use from another environment without a name given (CDK would generate one, which
   * replaces a deployed resource).
   */
  public requireGiven(): void {
    if (this.name === undefined) {
      throw unnamedAcrossEnvironmentsError(this.resource, this.kind, this.asWritten);
    }
  }
}

/**
 * The error for a channel or stream without a name that is used from another environment:
 * a policy there must name it, and CDK would generate a name, which replaces a deployed one.
 */
export function unnamedAcrossEnvironmentsError(resource: IConstruct, kind: string, nameProperty: PropertyAsWritten): Error {
  return new Error(
    `invalid ${nameProperty.property}: ${kind} '${resource.node.path}' is used from another environment (e.g. granted to a ` +
    'role of another region), which needs its name at synthesis, but it has none; set ' +
    `${nameProperty.property} of '${nameProperty.construct.node.path}' to a name, or to PhysicalName.GENERATE_IF_NEEDED. ` +
    `Naming a ${kind} that is already deployed replaces it: the old one is deleted${kind === 'video stream' ? ' (or orphaned, with its recordings, if retained)' : ''}, ` +
    'and devices configured with its old name stop working',
  );
}

/**
 * A name that is both an AWS IoT thing name (`[a-zA-Z0-9:_-]`, 1 to 128: AWS IoT API reference,
 * CreateThing) and a channel or stream name (`[a-zA-Z0-9_.-]`, 1 to 256): 1 to 128 of
 * `[a-zA-Z0-9_-]`.
 */
const THING_AND_RESOURCE_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * Why `value` cannot be both a thing name and a channel or stream name, or undefined when it
 * can (tokens pass).
 *
 * @param property the property the name came from, for the message
 * @param value the name
 * @param why what makes the name a thing name, for the message
 */
export function thingNameProblem(property: string, value: string, why: string): string | undefined {
  if (Token.isUnresolved(value) || THING_AND_RESOURCE_NAME_PATTERN.test(value)) {
    return undefined;
  }
  return `invalid ${property}: ${why}, so expected 1 to 128 characters from a-z, A-Z, 0-9, '_' and '-' ` +
    `(valid both as a thing name and as a channel and stream name), got '${value}' (${value.length} characters)`;
}

/** Throws if no name that starts with `prefix` can pass `thingNameProblem`. Tokens pass. */
export function requireThingNamePrefix(property: string, prefix: string, why: string): void {
  const problem = thingNamePrefixProblem(property, prefix, why);
  if (problem) {
    throw new Error(problem);
  }
}

/** Why no name that starts with `prefix` can pass `thingNameProblem`, or undefined. Tokens pass. */
export function thingNamePrefixProblem(property: string, prefix: string, why: string): string | undefined {
  if (Token.isUnresolved(prefix) || /^[a-zA-Z0-9_-]{0,127}$/.test(prefix)) {
    return undefined;
  }
  return `invalid ${property}: ${why}, so expected at most 127 characters from a-z, A-Z, 0-9, '_' and '-' ` +
    `(a thing name has 1 to 128), got '${prefix}' (${prefix.length} characters)`;
}

/** A thing attribute name (CreateThing `AttributePayload`): 1 to 128 of `[a-zA-Z0-9_.,@/:#-]`. */
const THING_ATTRIBUTE_NAME_PATTERN = /^[a-zA-Z0-9_.,@/:#-]{1,128}$/;

/** An AWS IoT thing attribute's name. Tokens pass. */
export function validateThingAttributeName(scope: IConstruct, property: string, value: string): void {
  if (Token.isUnresolved(value) || THING_ATTRIBUTE_NAME_PATTERN.test(value)) {
    return;
  }
  throw invalid(scope, property,
    `expected an AWS IoT thing attribute name, 1 to 128 characters from a-z, A-Z, 0-9 and '_', '.', ',', '@', '/', ':', '#', '-', got '${value}' (${value.length} characters)`);
}

/**
 * A whole number from `min` to `max` (no upper bound when undefined); `range` says which, in the
 * message. Tokens pass.
 */
export function validateWholeNumber(scope: IConstruct, property: string, value: number, min: number, max: number | undefined, range: string): void {
  if (Token.isUnresolved(value) || (Number.isInteger(value) && value >= min && (max === undefined || value <= max))) {
    return;
  }
  throw invalid(scope, property, `expected a whole number ${range}, got ${value}`);
}

/**
 * The characters of a tag value on a Kinesis Video resource (TagResource, TagStream) and of a
 * session tag value (STS `Tag`): letters, spaces, digits and `_ . : / = + - @`, at most 256.
 */
const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_VALUE_MAX_LENGTH = 256;

/**
 * A tag value that is also a principal tag value: 1 to 256 characters of the tag rules. Empty is
 * refused, since an empty access group would be everyone's whose attribute is empty. Tokens pass.
 */
export function validateTagValue(scope: IConstruct, property: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const length = [...value].length;
  if (length === 0 || length > TAG_VALUE_MAX_LENGTH || !TAG_VALUE_PATTERN.test(value)) {
    throw invalid(scope, property,
      `expected 1 to ${TAG_VALUE_MAX_LENGTH} characters from letters, digits, spaces and '_', '.', ':', '/', '=', '+', '-', '@' ` +
      `(the rules of tag values), got '${value}' (${length} characters)`);
  }
}

// ---------------------------------------------------------------------------------------------
// ViewerIdentity

/** A custom attribute's name after `custom:`: 1 to 20 characters (CreateUserPool, SchemaAttributeType). */
const CUSTOM_ATTRIBUTE_PATTERN = /^custom:[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,20}$/u;

/** A claim of the user pool's ID token: no white space, 1 to 128 characters. */
const CLAIM_PATTERN = /^\S{1,128}$/;

/** `AWS::Cognito::IdentityPool` IdentityPoolName: `[\w\s+=,.@-]+`, 1 to 128 characters. */
const IDENTITY_POOL_NAME_PATTERN = /^[\w\s+=,.@-]{1,128}$/;

/** Attributes no app client can write (Cognito keeps them itself). */
const UNWRITABLE_ATTRIBUTES = new Set(['sub', 'email_verified', 'phone_number_verified', 'cognito:groups', 'cognito:username']);

/** What a `ViewerIdentity` checks, as the user gave it (the attribute with its default applied). */
export interface ViewerIdentityInput {
  readonly allowUnauthenticatedIdentities?: boolean;
  /** Whether any of allowLiveView, allowPlayback and allowMaster is true. */
  readonly allowsSomething: boolean;
  readonly accessGroupAttribute: string;
  readonly identityPoolName?: string;
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
}

/** Every rule of a `ViewerIdentity`'s props. Tokens pass. */
export function validateViewerIdentity(scope: IConstruct, input: ViewerIdentityInput): void {
  if (input.allowUnauthenticatedIdentities === true) {
    throw invalid(scope, 'allowUnauthenticatedIdentities',
      'expected false, got true. Guests of a Cognito identity pool cannot use Kinesis Video Streams ' +
      '(their sessions are limited by a scope-down policy that does not include it) and have no access group; sign users in to the user pool instead');
  }
  if (!input.allowsSomething) {
    throw invalid(scope, 'allowLiveView, allowPlayback and allowMaster', 'all false, so the users could do nothing; allow at least one');
  }
  const attribute = input.accessGroupAttribute;
  validateAccessGroupAttribute(scope, attribute);
  const name = input.identityPoolName;
  if (name !== undefined && !Token.isUnresolved(name) && !IDENTITY_POOL_NAME_PATTERN.test(name)) {
    throw invalid(scope, 'identityPoolName',
      `expected 1 to 128 characters from letters, digits, white space and '_', '+', '=', ',', '.', '@', '-', got '${name}' (${name.length} characters)`);
  }
  validateUserPoolAttribute(scope, input.userPool, attribute);
  validateUserPoolClient(scope, input.userPoolClient, attribute);
}

/**
 * Whether an app client lets its users write `attribute` (UpdateUserAttributes, or SignUp): when
 * listed in its WriteAttributes, or when it has none, since a client without WriteAttributes may
 * write every attribute Cognito lets clients write, custom ones included (docs/design/viewer-identity.md).
 * Undefined when the list is a token.
 */
function clientMayWrite(cfn: cognito.CfnUserPoolClient, attribute: string): { writes: boolean; write?: string[] } | undefined {
  if (Token.isUnresolved(cfn.writeAttributes)) {
    return undefined;
  }
  const write = cfn.writeAttributes;
  if (write === undefined) {
    return { writes: !UNWRITABLE_ATTRIBUTES.has(attribute) };
  }
  return { writes: write.includes(attribute), write };
}

/** How a client's write access is described in a message. */
function writeAccess(write: string[] | undefined): string {
  return write === undefined
    ? '(no writeAttributes: a client without them may write every user attribute, custom ones included)'
    : `(writeAttributes: ${write.join(', ')})`;
}

/** The fix of a client whose users may write the access group. */
const WRITE_FIX = 'give that client writeAttributes without it, e.g. writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true }), ' +
  'and set the attribute from the backend only (AdminUpdateUserAttributes or AdminCreateUser)';

/**
 * At synthesis, for a user pool defined in this app: every other app client of the pool found in
 * the app (any stack) that lets its users write the access-group attribute. The viewing client is
 * checked by `validateViewerIdentity`. Returns the messages (for `node.addValidation`).
 */
export function otherUserPoolClientProblems(
  scope: IConstruct, userPool: cognito.IUserPool, viewingClient: cognito.IUserPoolClient, attribute: string,
): string[] {
  if (Token.isUnresolved(attribute)) {
    return [];
  }
  const viewing = viewingClient.node.defaultChild;
  return scope.node.root.node.findAll()
    .filter((c): c is cognito.CfnUserPoolClient => c instanceof cognito.CfnUserPoolClient && c !== viewing && c.userPoolId === userPool.userPoolId)
    .flatMap((cfn) => {
      const access = clientMayWrite(cfn, attribute);
      if (!access?.writes) {
        return [];
      }
      const client = cfn.node.scope?.node.defaultChild === cfn ? cfn.node.scope : cfn;
      return [invalid(scope, 'userPool',
        `app client '${client.node.path}' of the user pool lets its users write their own '${attribute}' (the accessGroupAttribute) ` +
        `${writeAccess(access.write)}, so any user could pick another access group by signing in through it; ${WRITE_FIX}`).message];
    });
}

function validateAccessGroupAttribute(scope: IConstruct, attribute: string): void {
  if (Token.isUnresolved(attribute)) {
    return;
  }
  const valid = attribute.startsWith('custom:') ? CUSTOM_ATTRIBUTE_PATTERN.test(attribute) : CLAIM_PATTERN.test(attribute);
  if (!valid) {
    throw invalid(scope, 'accessGroupAttribute',
      'expected a user attribute, \'custom:\' and 1 to 20 characters for a custom one (e.g. \'custom:accessGroup\'), ' +
      `or a standard attribute's name without white space, got '${attribute}'`);
  }
}

/**
 * For an app client defined in this app: refuses one whose users could write their own access
 * group, or whose ID tokens would not carry it.
 */
function validateUserPoolClient(scope: IConstruct, client: cognito.IUserPoolClient, attribute: string): void {
  const cfn = client.node.defaultChild;
  if (!(cfn instanceof cognito.CfnUserPoolClient) || Token.isUnresolved(attribute)) {
    return; // an imported client: its attributes cannot be read here
  }
  const listed = (value: string[] | undefined) => value === undefined || Token.isUnresolved(value) ? undefined : value;
  const access = clientMayWrite(cfn, attribute);
  if (access?.writes) {
    const construct = cfn.node.scope?.node.defaultChild === cfn ? cfn.node.scope : cfn;
    throw invalid(scope, 'userPoolClient',
      `app client '${construct.node.path}' lets its users write their own '${attribute}' (the accessGroupAttribute) ${writeAccess(access.write)}, ` +
      `so any user could pick another access group; ${WRITE_FIX}`);
  }
  const read = listed(cfn.readAttributes);
  if (read !== undefined && attribute !== 'sub' && !read.includes(attribute)) {
    throw invalid(scope, 'userPoolClient',
      `its readAttributes (${read.join(', ')}) leave out '${attribute}' (the accessGroupAttribute), ` +
      'so its ID tokens would not carry it and no user would receive an access group; add it to readAttributes');
  }
}

/** For a user pool defined in this app: refuses a custom attribute that the pool does not have. */
function validateUserPoolAttribute(scope: IConstruct, userPool: cognito.IUserPool, attribute: string): void {
  const cfn = userPool.node.defaultChild;
  if (!(cfn instanceof cognito.CfnUserPool) || Token.isUnresolved(attribute) || !attribute.startsWith('custom:')) {
    return;
  }
  const schema = cfn.schema ?? [];
  if (Token.isUnresolved(schema) || !Array.isArray(schema)) {
    return;
  }
  const name = attribute.slice('custom:'.length);
  const names = schema.map(s => (s as cognito.CfnUserPool.SchemaAttributeProperty).name);
  if (!names.includes(name)) {
    // Not declared for the user: adding a custom attribute to a deployed pool is a change of its
    // schema that the user should see in their own code (and custom attributes can never be removed).
    const pool = cfn.node.scope?.node.defaultChild === cfn ? cfn.node.scope : cfn;
    throw invalid(scope, 'accessGroupAttribute',
      `user pool '${pool.node.path}' has no custom attribute '${name}' (custom attributes: ${names.filter(n => n !== undefined).join(', ') || 'none'}), ` +
      'so no user could have an access group',
      `add it to the pool's props: customAttributes: { ${name}: new cognito.StringAttribute({ mutable: true }) } ` +
      '(mutable, so that a person can move to another household)');
  }
}

// ---------------------------------------------------------------------------------------------
// Types at the jsii boundary

/** A construct type, recognized by a string attribute of its own. */
function constructWith(expected: string, attribute: string) {
  return { expected, is: (v: any) => Construct.isConstruct(v) && typeof (v as any)[attribute] === 'string' };
}

/**
 * The types of the public constructs' object properties, as a JavaScript user (no compiler) may
 * get them wrong: each recognized by its shape, since another copy of aws-cdk-lib makes
 * `instanceof` unreliable.
 */
const PROPERTY_TYPES = {
  'Duration': {
    expected: 'a Duration (e.g. Duration.hours(24))',
    is: (v: any) => typeof v?.toSeconds === 'function' && typeof v?.toHumanString === 'function' && typeof v?.isUnresolved === 'function',
  },
  'kms.IKey': {
    expected: 'a kms.IKey',
    is: (v: any) => typeof v?.keyArn === 'string' && typeof v?.grantEncryptDecrypt === 'function',
  },
  'CameraFleet': {
    expected: 'a CameraFleet',
    is: (v: any) => Construct.isConstruct(v) && typeof (v as any).fleetId === 'string' && typeof (v as any).addCamera === 'function',
  },
  'cognito.IUserPool': constructWith('a cognito.IUserPool', 'userPoolId'),
  'cognito.IUserPoolClient': constructWith('a cognito.IUserPoolClient', 'userPoolClientId'),
  'ISignalingChannel': constructWith('an ISignalingChannel', 'signalingChannelArn'),
  'IVideoStream': constructWith('an IVideoStream', 'videoStreamArn'),
} as const;

/** A property type `requireProperties` checks. */
export type PropertyType = keyof typeof PROPERTY_TYPES;

/**
 * For JavaScript users, whom no compiler stops: the required properties are present, and the
 * properties of an object type (`Duration`, `kms.IKey`, constructs) have that type. TypeScript
 * users never see these errors. `invalid <prop>: expected …, got …, in '<path>'`.
 */
export function requireProperties(
  scope: IConstruct,
  props: unknown,
  spec: Record<string, { readonly type: PropertyType; readonly required?: boolean }>,
): void {
  if (props !== undefined && (typeof props !== 'object' || props === null)) {
    throw invalid(scope, 'props', `expected an object of properties, got ${described(props)}`);
  }
  for (const [property, { type, required }] of Object.entries(spec)) {
    const value = (props as Record<string, unknown> | undefined)?.[property];
    const { expected, is } = PROPERTY_TYPES[type];
    if (value === undefined) {
      if (required) {
        throw invalid(scope, property, `expected ${expected}, got undefined (the property is required)`);
      }
    } else if (!is(value)) {
      throw invalid(scope, property, `expected ${expected}, got ${described(value)}`);
    }
  }
}

/** A value as an error message names it: `the number 24`, `the string 'x'`, `a Role`, `null`. */
function described(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'number':
      return `the number ${value}`;
    case 'string':
      return `the string '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
    case 'object': {
      const name = (value as object).constructor?.name;
      return name && name !== 'Object' ? `a ${name}` : 'an object';
    }
    default:
      return `a ${typeof value}`;
  }
}
