// A Lambda function instrumented with the OpenTelemetry JS SDK, for the simulator and the end-to-end
// tests: a loopback HTTP server stands in for the function's runtime. Its exporters are chosen by the
// standard OTEL_EXPORTER_OTLP_PROTOCOL (http/protobuf, http/json or grpc) and use the default endpoint
// (localhost:4318 / 4317, the extension's local endpoint) unless OTEL_EXPORTER_OTLP_ENDPOINT says
// otherwise.
//
//   POST /invoke   {"requestId", "xray"?, "traceparent"?, "childSpans"?, "error"?}
//     creates the entry span (kind SERVER, faas.invocation_id = requestId, parent from traceparent, else
//     from the X-Ray header, as the OpenTelemetry Lambda instrumentation does), childSpans child spans,
//     one log record and one counter increment, then forceFlushes the three providers and answers
//     {"requestId", "traceId", "entrySpanId", "entryParentSpanId", "childSpanIds", "flushMs",
//     "flushError" (null when every export succeeded), ...}.
//   POST /shutdown what the runtime does on SIGTERM: one last span and log record, then the providers'
//     shutdown (which exports them); answers like /invoke.
//
// Prints one JSON line {"ready":true,"port":N,"protocol":P} on stdout once it listens. Exits when its
// standard input closes (its parent died or is done): it never outlives the process that started it.

import http from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, ValueType, trace, defaultTextMapGetter }
  from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

const PROTOCOLS = { 'http/protobuf': 'proto', 'http/json': 'http', grpc: 'grpc' };
const protocol = process.env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
const flavour = PROTOCOLS[protocol];
if (!flavour) {
  console.error(`unsupported OTEL_EXPORTER_OTLP_PROTOCOL ${protocol}`);
  process.exit(2);
}
const { OTLPTraceExporter } = await import(`@opentelemetry/exporter-trace-otlp-${flavour}`);
const { OTLPLogExporter } = await import(`@opentelemetry/exporter-logs-otlp-${flavour}`);
const { OTLPMetricExporter } = await import(`@opentelemetry/exporter-metrics-otlp-${flavour}`);

const SCOPE = 'simulated-function';
// A metric reader that never exports on its own: the handler's forceFlush does, as in Lambda.
const NEVER_MS = 24 * 3600 * 1000;

const resource = defaultResource().merge(resourceFromAttributes({
  'service.name': process.env.OTEL_SERVICE_NAME || 'orders-function',
}));
const tracerProvider = new BasicTracerProvider({
  resource,
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
const loggerProvider = new LoggerProvider({
  resource,
  // sdk-logs 0.2xx takes an options object (the trace shim still takes the exporter first).
  processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })],
});
const meterProvider = new MeterProvider({
  resource,
  readers: [new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter(), exportIntervalMillis: NEVER_MS, exportTimeoutMillis: 10_000,
  })],
});
const tracer = tracerProvider.getTracer(SCOPE);
const logger = loggerProvider.getLogger(SCOPE);
const processed = meterProvider.getMeter(SCOPE).createCounter('orders.processed', {
  description: 'orders the function handled', unit: '{order}', valueType: ValueType.INT,
});
const propagator = new W3CTraceContextPropagator();
let invocations = 0;

/** The parent context of the entry span: the upstream traceparent, else the X-Ray header, else none. */
function parentContext(request) {
  if (request.traceparent) {
    return propagator.extract(ROOT_CONTEXT, { traceparent: request.traceparent }, defaultTextMapGetter);
  }
  const xray = /Root=1-([0-9a-f]{8})-([0-9a-f]{24});Parent=([0-9a-f]{16});Sampled=([01])/.exec(request.xray || '');
  if (!xray) {
    return ROOT_CONTEXT;
  }
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: xray[1] + xray[2], spanId: xray[3], isRemote: true,
    traceFlags: xray[4] === '1' ? TraceFlags.SAMPLED : TraceFlags.NONE,
  });
}

/** Runs the three providers' flush (or shutdown) together: its time in ms and the first failure, if any. */
async function timed(calls) {
  const started = process.hrtime.bigint();
  const outcomes = await Promise.allSettled(calls);
  const failed = outcomes.find((o) => o.status === 'rejected');
  return {
    flushMs: Number(process.hrtime.bigint() - started) / 1e6,
    flushError: failed ? String(failed.reason && failed.reason.message || failed.reason) : null,
  };
}

async function invoke(request) {
  const parent = parentContext(request);
  const entry = tracer.startSpan(process.env.OTEL_SERVICE_NAME || 'handler', {
    kind: SpanKind.SERVER,
    attributes: { 'faas.invocation_id': request.requestId, 'faas.trigger': 'http' },
  }, parent);
  const inEntry = trace.setSpan(ROOT_CONTEXT, entry);
  const childSpanIds = [];
  const children = Number.isInteger(request.childSpans) ? request.childSpans : 3;
  for (let i = 0; i < children; i++) {
    const child = tracer.startSpan(i === 0 ? 'GET inventory' : `step ${i}`,
      { kind: i === 0 ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes: { 'step.index': i } }, inEntry);
    childSpanIds.push(child.spanContext().spanId);
    child.end();
  }
  logger.emit({
    severityNumber: request.error ? SeverityNumber.ERROR : SeverityNumber.INFO,
    severityText: request.error ? 'ERROR' : 'INFO',
    body: `processed order for request ${request.requestId}`,
    attributes: { 'faas.invocation_id': request.requestId },
    context: inEntry,
  });
  processed.add(1);
  invocations++;
  if (request.error) {
    entry.setStatus({ code: SpanStatusCode.ERROR, message: 'TypeError' });
  }
  entry.end();
  const flushed = await timed([tracerProvider.forceFlush(), loggerProvider.forceFlush(),
    meterProvider.forceFlush()]);
  const ids = entry.spanContext();
  const parentIds = trace.getSpanContext(parent);
  return {
    requestId: request.requestId, traceId: ids.traceId, entrySpanId: ids.spanId,
    entryParentSpanId: parentIds ? parentIds.spanId : null, childSpanIds, logRecords: 1,
    counterTotal: invocations, ...flushed, protocol,
  };
}

async function shutdown() {
  const span = tracer.startSpan('runtime shutdown', { kind: SpanKind.INTERNAL });
  logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'runtime shutting down',
    context: trace.setSpan(ROOT_CONTEXT, span) });
  span.end();
  const flushed = await timed([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);
  const ids = span.spanContext();
  return {
    requestId: null, traceId: ids.traceId, entrySpanId: ids.spanId, entryParentSpanId: null,
    childSpanIds: [], logRecords: 1, counterTotal: invocations, ...flushed, protocol,
  };
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      let answer;
      if (req.method === 'POST' && req.url === '/invoke') {
        answer = await invoke(body);
      } else if (req.method === 'POST' && req.url === '/shutdown') {
        answer = await shutdown();
      } else {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e && e.stack || e));
    }
  });
});

function exitNow() {
  process.exit(0);
}

// The parent holds our stdin: when it closes (the parent is done, or died), we go too.
process.stdin.on('end', exitNow);
process.stdin.on('close', exitNow);
process.stdin.on('error', exitNow);
process.stdin.resume();

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ ready: true, port: server.address().port, protocol }) + '\n');
});
