// Example function for the lambda-telemetry-otel layer: it only logs. Each line comes back to the
// extension through the Telemetry API and leaves as an OTLP log record, correlated with the
// invocation's span; the JSON line keeps its fields as attributes.
export const handler = async (event, context) => {
  console.log(`plain text log line for request ${context.awsRequestId}`);
  console.log(JSON.stringify({ level: 'INFO', message: 'structured log line', orderId: event?.orderId ?? 'n/a' }));
  console.warn('a warning, at WARN severity');
  return { statusCode: 200, body: 'ok' };
};
