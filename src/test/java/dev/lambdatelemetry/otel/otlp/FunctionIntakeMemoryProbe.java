package dev.lambdatelemetry.otel.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * Run in a child JVM with the launcher's heap ({@code -Xmx24m}) by {@link FunctionIntakeMemoryTest}:
 * 100,000 spans, each a root naming its own invocation (the worst case for the index), pass through the
 * intake; what it keeps afterwards (the de-duplication window and the index, both full) is measured
 * after a full collection.
 */
public final class FunctionIntakeMemoryProbe {

  static final int SPANS = 100_000;
  static final int PER_REQUEST = 500;

  private FunctionIntakeMemoryProbe() {}

  public static void main(String[] args) throws Exception {
    // Classes (protobuf's descriptors above all) loaded and their statics made before measuring.
    new FunctionIntake(batch -> true, new FunctionIntake.Options(true, true, 1), Attributes::empty,
        new FunctionSpanIndex(1), new ReceiverCounters()).offer(request(0));
    long before = usedAfterGc();
    FunctionSpanIndex index = new FunctionSpanIndex();
    int[] forwarded = new int[1];
    FunctionIntake intake = new FunctionIntake(batch -> ++forwarded[0] > 0, FunctionIntake.Options.defaults(),
        () -> Attributes.builder().put("cloud.provider", "aws").put("faas.name", "orders-fn").build(), index,
        new ReceiverCounters());
    for (int r = 0; r < SPANS / PER_REQUEST; r++) {
      if (!intake.offer(request(r))) {
        throw new IllegalStateException("refused");
      }
    }
    long after = usedAfterGc();
    System.out.println("index entries " + index.size() + ", retained " + (after - before) / 1024 + " KiB");
    System.out.println("INTAKE PROBE OK " + (after - before));
    int sent = forwarded[0];
    intake.offer(request(SPANS / PER_REQUEST - 1));
    System.out.println("the last request sent again: " + (forwarded[0] == sent ? "not forwarded" : "forwarded"));
    System.exit(0);
  }

  /** Request {@code r}: its spans are roots of their own traces, each naming its own invocation. */
  private static ReceivedBatch request(int r) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < PER_REQUEST; i++) {
      int n = r * PER_REQUEST + i;
      scope.addSpans(TraceSamples.span(String.format("%032x", n + 1), String.format("%016x", n + 1), null, n,
          TraceSamples.UNKNOWN, Samples.attr("faas.invocation_id", "request-" + n)));
    }
    return TraceSamples.batch(ResourceSpans.newBuilder().setResource(Samples.resource("fn"))
        .addScopeSpans(scope).build());
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
