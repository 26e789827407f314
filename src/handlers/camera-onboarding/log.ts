/**
 * Structured logs and metrics, both as JSON lines on stdout: CloudWatch Logs keeps the lines, and
 * the lines with an `_aws` block (CloudWatch embedded metric format) become metrics, so the
 * worker needs no cloudwatch:PutMetricData permission and makes no extra call.
 */

/** The metrics of the onboarding, in the namespace and with the dimension the construct reads. */
export type MetricName = 'Onboarded' | 'Retired' | 'Failed' | 'OverBudget' | 'Pending' | 'StuckPending';

export class Telemetry {
  constructor(
    private readonly namespace: string,
    private readonly onboardingId: string,
    private readonly out: (line: string) => void = console.log,
  ) {}

  /** One structured log line about one camera (or the whole onboarding). */
  public log(fields: { level?: 'info' | 'warn' | 'error'; camera?: string; step: string; message?: string; [key: string]: unknown }): void {
    this.out(JSON.stringify({ level: 'info', onboarding: this.onboardingId, ...fields }));
  }

  /** Emits `value` for the metric, with a structured line that says why. */
  public metric(name: MetricName, value: number, fields: Record<string, unknown> = {}): void {
    this.out(JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{ Namespace: this.namespace, Dimensions: [['Onboarding']], Metrics: [{ Name: name, Unit: 'Count' }] }],
      },
      Onboarding: this.onboardingId,
      [name]: value,
      ...fields,
    }));
  }
}
