import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CameraFleet } from './camera-fleet';
import { BundledFunction } from './private/bundled-function';
import { DEFAULT_ACCESS_GROUP_ATTRIBUTE, toEnvironment } from './private/camera-onboarding-settings';
import { newHandlerResources } from './private/handler-resources';
import { newMetric } from './private/metrics';
import { acknowledgeFunction, acknowledgeRules, COMPLIANCE_PACKS, forPacks, HIPAA_AND_NIST } from './private/rule-acknowledgements';
import { ACCESS_GROUP_TAG_KEY, ONBOARDING_TAG_KEY, STORAGE_ENABLED_CHANNELS_PER_ACCOUNT } from './private/tags-and-quotas';
import { requireProperties, requireThingNamePrefix, validateThingAttributeName, validateWholeNumber } from './private/validation';

/** The namespace of the onboarding's metrics (dimension `Onboarding`: the onboarding's id). */
const METRICS_NAMESPACE = 'CdkKinesisVideoWebrtc/CameraOnboarding';

const INLINE_POLICY = 'The policy belongs to this role alone and is created and deleted with it: an inline policy keeps that strict ' +
  'one-to-one relationship (IAM User Guide, "Choosing between managed policies and inline policies").';

const NOT_IN_VPC = 'The function calls public AWS endpoints only (Kinesis Video, AWS IoT, DynamoDB, SQS) and reaches nothing ' +
  'inside a VPC; in a VPC it would need a NAT gateway or interface endpoints that the library cannot assume.';

/** The onboarding of each fleet: one worker per fleet, or two would fight over its cameras and budget. */
const ONBOARDING_OF_FLEET = new WeakMap<CameraFleet, CameraOnboarding>();

/** The worker's timeout: a camera waits seconds for ACTIVE; an unfinished one goes back to the queue. */
const WORKER_TIMEOUT = Duration.minutes(2);

/** The defaults of a WebRtcIngestion camera, which a run-time camera must match. */
const DEFAULT_MESSAGE_TTL_SECONDS = 60;
const DEFAULT_RETENTION_HOURS = 24;
const DEFAULT_MEDIA_TYPE = 'video/h264,audio/aac';

/** Worker actions, by what they may touch. */
const CREATE_CHANNEL_ACTIONS = ['kinesisvideo:CreateSignalingChannel'];
const CREATE_STREAM_ACTIONS = ['kinesisvideo:CreateStream'];
const READ_FLEET_CHANNEL_ACTIONS = ['kinesisvideo:DescribeSignalingChannel', 'kinesisvideo:ListTagsForResource'];
const READ_FLEET_STREAM_ACTIONS = ['kinesisvideo:DescribeStream', 'kinesisvideo:ListTagsForStream'];
const CHANGE_OWN_CHANNEL_ACTIONS = [
  'kinesisvideo:DeleteSignalingChannel',
  'kinesisvideo:DescribeMediaStorageConfiguration',
  'kinesisvideo:UpdateMediaStorageConfiguration',
];
const CHANGE_OWN_STREAM_ACTIONS = ['kinesisvideo:DeleteStream'];
/** Re-tagging a camera's access group (the access-group key only, on its own cameras only). */
const ACCESS_GROUP_CHANNEL_ACTIONS = ['kinesisvideo:TagResource', 'kinesisvideo:UntagResource'];
const ACCESS_GROUP_STREAM_ACTIONS = ['kinesisvideo:TagStream', 'kinesisvideo:UntagStream'];

const LIST_ACTIONS = ['kinesisvideo:ListSignalingChannels'];
const REGISTRY_READ_ACTIONS = ['iot:DescribeThing'];
const REGISTRY_LIST_ACTIONS = ['iot:ListThings'];
const STATE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'];

/**
 * Properties of a `CameraOnboarding`.
 */
export interface CameraOnboardingProps {
  /**
   * The fleet whose cameras come and go. Run-time cameras get its name prefix, settings and tag,
   * so its grants and `DeviceIdentity` cover them unchanged. The fleet must have a `namePrefix`:
   * a thing belongs to the fleet when its name starts with it.
   */
  readonly fleet: CameraFleet;

  /**
   * How many run-time cameras (each a storage-enabled channel) this onboarding may keep at once.
   * An account has at most 100 storage-enabled channels per region, the stack's cameras and
   * other fleets' included: leave room for them. A camera over budget gets a dead-letter record,
   * the `OverBudget` metric and alarm, and is completed by a later reconciliation once a camera retires.
   * From 1 to `storageChannelQuota`.
   *
   * @default 100
   */
  readonly storageBudget?: number;

  /**
   * The account's quota of storage-enabled signaling channels in the region, if AWS raised it
   * for you (Service Quotas): the upper bound of `storageBudget`. Say it only when it is raised;
   * a budget above the real quota leaves cameras FAILED (`AccountChannelLimitExceededException`).
   *
   * @default 100 (the documented quota)
   */
  readonly storageChannelQuota?: number;

  /**
   * Turn AWS IoT registry events on (account-wide, never turned off again) and send the fleet's
   * thing `created`, `updated` (a changed access group) and `deleted` events to the worker. Without them, cameras follow the
   * registry at each reconciliation, or when the backend sends their names.
   *
   * @default true
   */
  readonly registryEvents?: boolean;

  /**
   * How often the reconciliation compares the registry with the run-time cameras and repairs
   * what events missed (lost, duplicated, reordered).
   *
   * @default Duration.minutes(15)
   */
  readonly reconciliationInterval?: Duration;

  /**
   * The most worker invocations at once (the event source mapping's maximum concurrency,
   * 2 to 1,000), each converging up to 10 cameras. The quotas (link: 10 calls per second per
   * account) are what limits throughput; the worker retries throttling.
   *
   * @default 5
   */
  readonly maxConcurrency?: number;

  /**
   * How long a camera announced by the backend with `provisioning: true` (e.g. by a fleet
   * provisioning pre-provisioning hook, before its thing exists) is kept while its thing does
   * not exist yet.
   *
   * @default Duration.hours(1)
   */
  readonly provisioningGrace?: Duration;

  /**
   * The AWS IoT thing attribute whose value is a run-time camera's access group (the tag
   * `cdk-kinesis-video-webrtc:access-group` on its channel and stream, which the fleet's
   * `grant…ByAccessGroup` grants and `ViewerIdentity` compare with the user's). Set it where
   * things are registered (`CreateThing` or `UpdateThing` `attributePayload`): a device signed in
   * with `DeviceIdentity` cannot change it. A thing without it gets the fleet's `accessGroup`,
   * and none if the fleet has none. A change (or its removal) re-tags the camera: at once with
   * `registryEvents`, and at the next reconciliation in any case.
   *
   * 1 to 128 characters from a-z, A-Z, 0-9 and `_ . , @ / : # -` (thing attribute names).
   *
   * @default 'accessGroup'
   */
  readonly accessGroupAttribute?: string;
}

/**
 * Run-time cameras for a `CameraFleet`: each AWS IoT thing whose name starts with the fleet's
 * `namePrefix` gets a camera (a signaling channel recorded into a video stream, both named
 * after the thing, with the fleet's settings and tag), made when the thing is registered and
 * retired when it is deleted.
 *
 * Triggers (at least once, in any order): the registry's thing events, names sent to `queue` by
 * the user's backend, and a scheduled reconciliation. The worker reads the registry for each name
 * and converges to it, under the service quotas and a storage budget. Its role may create only
 * with the fleet's prefix and tags, and change or delete only the cameras it made.
 *
 * @example
 * const fleet = new CameraFleet(this, 'Doorbells', { namePrefix: 'doorbell-' });
 * const onboarding = new CameraOnboarding(this, 'Onboarding', { fleet, storageBudget: 80 });
 * declare const backend: iam.IRole;
 * onboarding.grantSendCameraNames(backend);
 */
export class CameraOnboarding extends Construct {
  /** The value of the onboarding tag on the channels and streams this onboarding made. */
  public readonly onboardingId: string;

  /** The queue the backend sends camera names to (`{"name": "doorbell-42"}`). */
  public readonly queue: sqs.IQueue;

  /** Messages the worker could not process after 10 deliveries. */
  public readonly deadLetterQueue: sqs.IQueue;

  /** The state: a record per camera (status, reason) and the storage budget's slots. */
  public readonly table: dynamodb.ITable;

  /**
   * The worker. Only its queue (event source mapping) and the reconciliation schedule invoke it;
   * grant no one `lambda:InvokeFunction` on it (send names to `queue` instead).
   */
  public readonly worker: lambda.IFunction;

  /**
   * The list function: invoke it (any payload) to list the run-time cameras and their state
   * (`grantListCameras`). It only reads the state table.
   */
  public readonly listFunction: lambda.IFunction;

  /** In alarm when a camera failed or was refused in the last 5 minutes. */
  public readonly failureAlarm: cloudwatch.Alarm;

  /** In alarm when a message of the queue was dead-lettered (the worker could not process it 10 times). */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  /** In alarm when a reconciliation found a camera PENDING for longer than `provisioningGrace`. */
  public readonly stuckPendingAlarm: cloudwatch.Alarm;

  /** In alarm when a camera could not be made for lack of storage budget in the last 5 minutes. */
  public readonly overBudgetAlarm: cloudwatch.Alarm;

  /** The storage budget. */
  public readonly storageBudget: number;

  /** The AWS IoT thing attribute whose value is a run-time camera's access group. */
  public readonly accessGroupAttribute: string;

  constructor(scope: Construct, id: string, props: CameraOnboardingProps) {
    super(scope, id);
    requireProperties(this, props, {
      fleet: { type: 'CameraFleet', required: true }, reconciliationInterval: { type: 'Duration' }, provisioningGrace: { type: 'Duration' },
    });
    const fleet = props.fleet;
    const stack = Stack.of(this);
    const prefix = fleet.namePrefix;
    if (prefix === '') {
      throw new Error(`invalid fleet: camera fleet '${fleet.node.path}' has no namePrefix, got ''. ` +
        'The run-time cameras are the AWS IoT things whose name starts with the prefix, and the worker\'s role is limited to it');
    }
    requireThingNamePrefix('namePrefix', prefix,
      `the run-time cameras of fleet '${fleet.node.path}' are the AWS IoT things whose name starts with it`);
    const quota = props.storageChannelQuota ?? STORAGE_ENABLED_CHANNELS_PER_ACCOUNT;
    validateWholeNumber(this, 'storageChannelQuota', quota, STORAGE_ENABLED_CHANNELS_PER_ACCOUNT, undefined,
      `of storage-enabled channels, ${STORAGE_ENABLED_CHANNELS_PER_ACCOUNT} (the documented quota) or a raised quota above it`);
    this.storageBudget = props.storageBudget ?? quota;
    validateWholeNumber(this, 'storageBudget', this.storageBudget, 1, quota,
      `of cameras, from 1 to ${quota} (${props.storageChannelQuota === undefined ? 'the account\'s documented quota of storage-enabled channels; state a raised one with storageChannelQuota' : 'storageChannelQuota'})`);
    const other = ONBOARDING_OF_FLEET.get(fleet);
    if (other) {
      throw new Error(`invalid fleet: expected a camera fleet with no other onboarding, got fleet '${fleet.node.path}', ` +
        `already onboarded by '${other.node.path}' (two workers would make and retire the same cameras), in '${this.node.path}'`);
    }
    fleet._validateRunTimeDefaults();
    ONBOARDING_OF_FLEET.set(fleet, this);
    const maxConcurrency = props.maxConcurrency ?? 5;
    validateWholeNumber(this, 'maxConcurrency', maxConcurrency, 2, 1000, "from 2 to 1000 (the event source mapping's range)");
    this.accessGroupAttribute = props.accessGroupAttribute ?? DEFAULT_ACCESS_GROUP_ATTRIBUTE;
    validateThingAttributeName(this, 'accessGroupAttribute', this.accessGroupAttribute);
    this.onboardingId = `${stack.stackName}/${this.node.addr}`;
    const { tagKey: fleetTagKey, defaults } = fleet._runTimeCameraSettings;

    const table = new dynamodb.Table(this, 'State', {
      partitionKey: { name: 'name', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // The cameras themselves outlive the stack; their records are rebuilt from the registry and the tags.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // On the L1: aws-cdk-lib 2.176 has no pointInTimeRecoverySpecification prop, and newer releases
    // print a deprecation warning for pointInTimeRecovery in every app that uses the onboarding.
    (table.node.defaultChild as dynamodb.CfnTable).pointInTimeRecoverySpecification = { pointInTimeRecoveryEnabled: true };
    acknowledgeRules(table, forPacks(HIPAA_AND_NIST, 'DynamoDBInBackupPlan',
      'The table holds the onboarding\'s working state (a status per camera, the budget\'s slots), which the scheduled ' +
      'reconciliation rebuilds from the AWS IoT registry and the resources\' tags; point-in-time recovery is on.'));
    this.table = table;

    const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetterQueue = deadLetterQueue;
    const queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's advice for event source mappings: six times the function's timeout.
      visibilityTimeout: Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 10 },
    });
    this.queue = queue;

    const channels = stack.formatArn({ service: 'kinesisvideo', resource: 'channel', resourceName: `${prefix}*` });
    const streams = stack.formatArn({ service: 'kinesisvideo', resource: 'stream', resourceName: `${prefix}*` });
    const things = stack.formatArn({ service: 'iot', resource: 'thing', resourceName: `${prefix}*` });
    const withOurTagsOnly = {
      'StringEquals': {
        [`aws:RequestTag/${fleetTagKey}`]: fleet.fleetId,
        [`aws:RequestTag/${ONBOARDING_TAG_KEY}`]: this.onboardingId,
      },
      // the access group (any value: the thing's attribute) is the only other tag a camera may get
      'ForAllValues:StringEquals': { 'aws:TagKeys': [fleetTagKey, ONBOARDING_TAG_KEY, ACCESS_GROUP_TAG_KEY] },
    };
    const accessGroupOfOwnOnly = {
      'StringEquals': { [`aws:ResourceTag/${ONBOARDING_TAG_KEY}`]: this.onboardingId },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [ACCESS_GROUP_TAG_KEY] },
      'Null': { 'aws:TagKeys': 'false' },
    };
    const fleetOnly = { StringEquals: { [`aws:ResourceTag/${fleetTagKey}`]: fleet.fleetId } };
    const ownOnly = { StringEquals: { [`aws:ResourceTag/${ONBOARDING_TAG_KEY}`]: this.onboardingId } };
    const statements = [
      new iam.PolicyStatement({ actions: CREATE_CHANNEL_ACTIONS, resources: [channels], conditions: withOurTagsOnly }),
      new iam.PolicyStatement({ actions: CREATE_STREAM_ACTIONS, resources: [streams], conditions: withOurTagsOnly }),
      new iam.PolicyStatement({ actions: READ_FLEET_CHANNEL_ACTIONS, resources: [channels], conditions: fleetOnly }),
      new iam.PolicyStatement({ actions: READ_FLEET_STREAM_ACTIONS, resources: [streams], conditions: fleetOnly }),
      new iam.PolicyStatement({ actions: CHANGE_OWN_CHANNEL_ACTIONS, resources: [channels], conditions: ownOnly }),
      new iam.PolicyStatement({ actions: CHANGE_OWN_STREAM_ACTIONS, resources: [streams], conditions: ownOnly }),
      new iam.PolicyStatement({ actions: ACCESS_GROUP_CHANNEL_ACTIONS, resources: [channels], conditions: accessGroupOfOwnOnly }),
      new iam.PolicyStatement({ actions: ACCESS_GROUP_STREAM_ACTIONS, resources: [streams], conditions: accessGroupOfOwnOnly }),
      new iam.PolicyStatement({ actions: LIST_ACTIONS, resources: ['*'] }),
      new iam.PolicyStatement({
        actions: REGISTRY_READ_ACTIONS,
        resources: [things],
      }),
      new iam.PolicyStatement({ actions: REGISTRY_LIST_ACTIONS, resources: ['*'] }),
      new iam.PolicyStatement({ actions: STATE_ACTIONS, resources: [table.tableArn] }),
    ];
    const { logGroup, role } = newHandlerResources(this, {
      ids: { logGroup: 'LogGroup', role: 'WorkerRole' },
      description: `Makes and retires the run-time cameras of camera fleet ${fleet.node.path}`,
      policyName: 'CameraOnboarding',
      statements,
    });
    acknowledgeRules(role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'The worker creates channels and streams named with the fleet\'s prefix (a camera\'s name is only known at run ' +
        'time) only with the fleet\'s and the onboarding\'s tags (aws:RequestTag, aws:TagKeys), reads them only where the fleet ' +
        'tag holds this fleet\'s id, and changes or deletes them only where the onboarding tag holds this onboarding\'s id; ' +
        'DescribeThing is on the things named with the prefix; ListSignalingChannels and ListThings are wildcard-only actions.',
      findings: [`Resource::${channels}`, `Resource::${streams}`, `Resource::${things}`, 'Resource::*'],
    }]);
    // No KMS permission: the Service Authorization Reference lists no dependent action for
    // CreateStream, and the worker never reads or writes media (the fleet's key is only named).

    const removal = defaults.removalPolicy ?? RemovalPolicy.RETAIN;
    const fn = new BundledFunction(this, 'Worker', {
      bundle: 'camera-onboarding/worker.lambda',
      description: `Makes and retires the run-time cameras of camera fleet ${fleet.node.path} (cdk-kinesis-video-webrtc)`,
      role,
      logGroup,
      timeout: WORKER_TIMEOUT,
      environment: toEnvironment({
        namePrefix: prefix,
        fleetTagKey,
        fleetId: fleet.fleetId,
        onboardingTagKey: ONBOARDING_TAG_KEY,
        onboardingId: this.onboardingId,
        messageTtlSeconds: defaults.messageTtl?.toSeconds() ?? DEFAULT_MESSAGE_TTL_SECONDS,
        retentionHours: defaults.retention?.toHours() ?? DEFAULT_RETENTION_HOURS,
        mediaType: defaults.mediaType ?? DEFAULT_MEDIA_TYPE,
        storageTier: defaults.storageTier,
        kmsKeyArn: fleet.encryptionKey?.keyArn,
        deleteStream: removal === RemovalPolicy.DESTROY,
        storageBudget: this.storageBudget,
        tableName: table.tableName,
        queueUrl: queue.queueUrl,
        metricsNamespace: METRICS_NAMESPACE,
        provisioningGraceSeconds: (props.provisioningGrace ?? Duration.hours(1)).toSeconds(),
        accessGroupTagKey: ACCESS_GROUP_TAG_KEY,
        accessGroupAttribute: this.accessGroupAttribute,
        // the fleet's default, for things without the attribute (a run-time camera is made like the stack's)
        defaultAccessGroup: defaults.accessGroup,
      }),
    });
    this.worker = fn;
    fn.addEventSource(new SqsEventSource(queue, { batchSize: 10, maxConcurrency, reportBatchItemFailures: true }));
    queue.grantSendMessages(role);
    acknowledgeFunction({ fn, role, logGroup }, {
      inlinePolicy: INLINE_POLICY,
      concurrency: 'The event source mapping\'s maximum concurrency (maxConcurrency) caps the worker\'s concurrent executions without ' +
        'reserving any: a reservation can make the deployment fail in accounts with a low concurrency quota.',
      deadLetter: 'The worker\'s input is the onboarding\'s SQS queue, whose redrive policy moves a message to the dead-letter queue after ' +
        '10 receives; a camera that cannot be made gets a dead-letter record (status and reason) in the state table. The ' +
        'scheduled reconciliation holds no data to lose: the next one repeats it.',
      outsideVpc: NOT_IN_VPC,
      logs: 'The worker logs camera names, ARNs, statuses and Kinesis Video API errors: no media, no credentials. CloudWatch Logs ' +
        'encrypts every log group at rest with AWS owned keys.',
    });
    acknowledgeRules(role.node.findChild('DefaultPolicy'), forPacks(COMPLIANCE_PACKS, 'IAMNoInlinePolicy',
      `${INLINE_POLICY} It holds the event source mapping's SQS actions and the reconciliation's SendMessage, on the onboarding's queue only.`));

    this.listFunction = this.addListFunction(table);

    new events.Rule(this, 'Reconciliation', {
      description: `Reconciles the run-time cameras of camera fleet ${fleet.node.path} with the AWS IoT registry`,
      schedule: events.Schedule.rate(props.reconciliationInterval ?? Duration.minutes(15)),
      targets: [new targets.LambdaFunction(fn, { event: events.RuleTargetInput.fromObject({ action: 'reconcile' }) })],
    });

    if (props.registryEvents ?? true) {
      this.addRegistryEvents(queue, prefix);
    }

    const fiveMinutes = { period: Duration.minutes(5) };
    this.failureAlarm = this.alarmOnAny(this.metricFailed(fiveMinutes), 'FailureAlarm',
      `A run-time camera of fleet ${fleet.node.path} failed or was refused. List the cameras (the list ` +
      'function) and read the reason of each FAILED or REFUSED record: free the name, fix the setting or the quota it names; ' +
      'the next reconciliation tries again, and retires it if its thing is deleted');
    this.overBudgetAlarm = this.alarmOnAny(this.metricOverBudget(fiveMinutes), 'OverBudgetAlarm',
      `A run-time camera of fleet ${fleet.node.path} is waiting for storage budget (${this.storageBudget}): ` +
      'delete the things of cameras no longer needed, or raise storageBudget (within the account\'s quota); a reconciliation completes it');
    this.deadLetterAlarm = this.alarmOnAny(
      deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...fiveMinutes, statistic: 'Maximum' }), 'DeadLetterAlarm',
      `A message for fleet ${fleet.node.path}'s onboarding failed 10 times and is in its dead-letter queue. ` +
      'Read the worker\'s log lines with level "warn" for its camera, fix the cause (permissions, quotas), then redrive the ' +
      'dead-letter queue to the queue, or leave it: the next reconciliation enqueues every camera that differs again');
    const grace = props.provisioningGrace ?? Duration.hours(1);
    this.stuckPendingAlarm = this.alarmOnAny(this.metricStuckPending(fiveMinutes), 'StuckPendingAlarm',
      `A run-time camera of fleet ${fleet.node.path} has been PENDING for more than ${grace.toHumanString()} ` +
      '(provisioningGrace). Read the worker\'s log lines for that camera (its retries say which call keeps failing) and ' +
      'the dead-letter queue; fix the cause, the next reconciliation enqueues it again');
  }

  /**
   * Permits an IAM principal (the user's backend, a pre-provisioning hook) to send camera names
   * to the onboarding's queue.
   */
  public grantSendCameraNames(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantSendMessages(grantee);
  }

  /**
   * Permits an IAM principal to list the run-time cameras: to invoke `listFunction`, which only
   * reads the state table (never the worker).
   */
  public grantListCameras(grantee: iam.IGrantable): iam.Grant {
    // The function itself, not `grantInvoke`'s `<arn>:*` (versions and aliases), which it has none of.
    return iam.Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.listFunction.functionArn] });
  }

  /** Cameras onboarded (made, ACTIVE and linked). */
  public metricOnboarded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Onboarded', { statistic: 'Sum', ...props });
  }

  /** Cameras retired. */
  public metricRetired(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Retired', { statistic: 'Sum', ...props });
  }

  /** Cameras that failed (refused by the service, or a name taken by another resource). */
  public metricFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Failed', { statistic: 'Sum', ...props });
  }

  /** Cameras not made for lack of storage budget. */
  public metricOverBudget(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OverBudget', { statistic: 'Sum', ...props });
  }

  /** Cameras wanted but not onboarded yet, as counted by the last reconciliation. */
  public metricPending(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Pending', { statistic: 'Maximum', ...props });
  }

  /** Cameras PENDING for longer than `provisioningGrace`, as counted by the last reconciliation. */
  public metricStuckPending(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('StuckPending', { statistic: 'Maximum', ...props });
  }

  /** An alarm as soon as `metric` counts one; where it goes is the user's choice. */
  private alarmOnAny(metric: cloudwatch.Metric, id: string, alarmDescription: string): cloudwatch.Alarm {
    const alarm = metric.createAlarm(this, id, {
      alarmDescription,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    acknowledgeRules(alarm, forPacks(HIPAA_AND_NIST, 'CloudWatchAlarmAction',
      'Where to send the alarm (an SNS topic, an incident tool) is the user\'s choice: addAlarmAction on the alarm.'));
    return alarm;
  }

  /** The list function: its role may scan the state table, nothing else. */
  private addListFunction(table: dynamodb.Table): lambda.Function {
    const { logGroup, role } = newHandlerResources(this, {
      ids: { logGroup: 'ListLogGroup', role: 'ListRole' },
      description: 'Lists the run-time cameras of a camera onboarding (reads its state table only)',
      policyName: 'ListCameras',
      statements: [new iam.PolicyStatement({ actions: ['dynamodb:Scan'], resources: [table.tableArn] })],
    });
    const fn = new BundledFunction(this, 'List', {
      bundle: 'camera-onboarding/list.lambda',
      description: 'Lists the run-time cameras of a camera onboarding and their state (cdk-kinesis-video-webrtc)',
      role,
      logGroup,
      timeout: Duration.seconds(30),
      environment: { TABLE_NAME: table.tableName },
    });
    acknowledgeFunction({ fn, role, logGroup }, {
      inlinePolicy: INLINE_POLICY,
      concurrency: 'The function only reads the state table, for principals granted grantListCameras; it needs no reserved concurrency.',
      deadLetter: 'The function is invoked synchronously and answers the caller; it changes nothing, so there is nothing to dead-letter.',
      outsideVpc: NOT_IN_VPC,
      logs: 'The function logs only its own errors: no media, no credentials. CloudWatch Logs encrypts every log group at rest with ' +
        'AWS owned keys.',
    });
    return fn;
  }

  private metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return newMetric(METRICS_NAMESPACE, { Onboarding: this.onboardingId }, metricName, props);
  }

  /**
   * The rule that sends the fleet's thing events to the queue, and the custom resource that turns
   * registry events on (account-wide; never off: other workloads may rely on them).
   */
  private addRegistryEvents(queue: sqs.Queue, prefix: string): void {
    const ruleRole = new iam.Role(this, 'RegistryEventsRole', {
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com'),
      description: 'Sends the AWS IoT registry events of a camera fleet\'s things to its onboarding queue',
    });
    queue.grantSendMessages(ruleRole);
    acknowledgeRules(ruleRole.node.findChild('DefaultPolicy'), forPacks(COMPLIANCE_PACKS, 'IAMNoInlinePolicy',
      `${INLINE_POLICY} It allows the topic rule to send to the onboarding's queue only.`));
    new iot.CfnTopicRule(this, 'RegistryEvents', {
      topicRulePayload: {
        description: `Thing created, updated (access group) and deleted events of the things whose name starts with '${prefix}'`,
        sql: "SELECT thingName, operation, timestamp FROM '$aws/events/thing/+/+' " +
          `WHERE startswith(thingName, '${prefix}') AND (operation = 'CREATED' OR operation = 'UPDATED' OR operation = 'DELETED')`,
        awsIotSqlVersion: '2016-03-23',
        ruleDisabled: false,
        actions: [{ sqs: { queueUrl: queue.queueUrl, roleArn: ruleRole.roleArn, useBase64: false } }],
      },
    });
    // Registry events are off by default and have no CloudFormation resource: a custom resource
    // turns them on (a function and bundle of its own, whose role may do only that).
    const { logGroup, role } = newHandlerResources(this, {
      ids: { logGroup: 'RegistryEventsLogGroup', role: 'RegistryEventsEnablerRole' },
      description: 'Turns AWS IoT registry events on (never off: other workloads of the account may rely on them)',
      policyName: 'RegistryEvents',
      statements: [new iam.PolicyStatement({ actions: ['iot:UpdateEventConfigurations'], resources: ['*'] })],
    });
    acknowledgeRules(role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'iot:UpdateEventConfigurations is a wildcard-only action (Service Authorization Reference): the account\'s ' +
        'registry event settings are not a resource. The role belongs to the custom resource\'s function alone.',
      findings: ['Resource::*'],
    }]);
    const enabler = new BundledFunction(this, 'RegistryEventsEnabler', {
      bundle: 'camera-onboarding/registry-events.lambda',
      description: 'Turns AWS IoT thing registry events on (cdk-kinesis-video-webrtc)',
      role,
      logGroup,
      timeout: Duration.minutes(1),
    });
    acknowledgeFunction({ fn: enabler, role, logGroup }, {
      inlinePolicy: INLINE_POLICY,
      concurrency: 'The function runs only when CloudFormation creates or updates the custom resource that turns registry events on.',
      deadLetter: 'CloudFormation invokes the function and waits for its answer, which the handler always sends; an event that never ' +
        'reaches it fails the stack operation at the custom resource timeout. There is nothing to dead-letter.',
      outsideVpc: NOT_IN_VPC,
      logs: 'The function logs whether registry events were turned on: no media, no credentials. CloudWatch Logs encrypts every ' +
        'log group at rest with AWS owned keys.',
    });
    new CustomResource(this, 'RegistryEventsOn', {
      serviceToken: enabler.functionArn,
      resourceType: 'Custom::AwsIotThingRegistryEvents',
      serviceTimeout: Duration.minutes(2),
    });
  }
}
