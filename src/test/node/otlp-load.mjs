// Not a test: the local OTLP endpoint's answer time seen from another process, as a function's SDK sees
// it. Sends N sequential OTLP/HTTP protobuf requests of 100 spans each (new ids every time, as an SDK
// sends them; encoded before the clock starts) on one kept-alive connection and prints p50/p99 of the
// round trip. Usage: node otlp-load.mjs PORT [N]   (or as a SimulatorMain --probe, with OTLP_LOAD_PORT)
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import http from 'node:http';

const require = createRequire(fileURLToPath(import.meta.url));
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');

const portArg = Number(process.argv[2]);
const port = Number.isInteger(portArg) && portArg > 0 ? portArg : Number(process.env.OTLP_LOAD_PORT || 4318);
const n = Number(process.env.OTLP_LOAD_REQUESTS || (Number.isInteger(portArg) ? process.argv[3] : 0) || 3000);
const warmUp = 500;

const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('load');

function hundredSpans() {
  exporter.reset();
  for (let i = 0; i < 100; i++) {
    tracer.startSpan('SELECT orders', { attributes: { 'db.system': 'postgresql',
      'server.address': 'db.internal', 'server.port': 5432, 'db.operation.name': 'SELECT' } }).end();
  }
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans()));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent,
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const times = [];
for (let i = 0; i < warmUp + n; i++) {
  const body = hundredSpans();
  const start = process.hrtime.bigint();
  const status = await post(body);
  const end = process.hrtime.bigint();
  if (status !== 200) {
    console.error(`answer ${status} to request ${i}`);
    process.exit(1);
  }
  if (i >= warmUp) {
    times.push(Number(end - start) / 1e6);
  }
}
agent.destroy();
times.sort((a, b) => a - b);
console.log(`OTLP/HTTP protobuf, 100 spans a request, ${n} requests from another process: `
  + `p50 ${times[Math.floor(n / 2)].toFixed(3)} ms, p99 ${times[Math.floor(n * 0.99)].toFixed(3)} ms`);
