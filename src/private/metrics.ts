import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * A metric of `namespace` with the given dimensions, which `props` may override, as the `metric`
 * methods of aws-cdk-lib's constructs do.
 */
export function newMetric(
  namespace: string,
  dimensionsMap: cloudwatch.DimensionsMap,
  metricName: string,
  props?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace, metricName, dimensionsMap, ...props });
}
