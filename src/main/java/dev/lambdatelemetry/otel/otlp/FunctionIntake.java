package dev.lambdatelemetry.otel.otlp;

import dev.lambdatelemetry.otel.otlp.FunctionSpanIndex.Candidate;
import dev.lambdatelemetry.otel.otlp.ReceiverCounters.Discard;
import dev.lambdatelemetry.otel.translate.FunctionSpan;
import io.opentelemetry.api.common.Attributes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * What happens to the function's telemetry between the endpoint and the export queue, on the endpoint's
 * thread while the function's SDK waits for its answer (so: one walk over the spans, copies only of what
 * changes):
 * <ul>
 *   <li>spans already received (same trace and span id, within the last {@link Options#dedupWindow()}
 *       spans) are removed: an SDK that timed out waiting sends the same request again. A request of
 *       duplicates only is accepted and not passed on;
 *   <li>the function's resource gets the attributes the extension knows and it lacks
 *       ({@link ResourceEnricher}), on all three signals;
 *   <li>log records are accepted and not passed on when the function's logs come only through the
 *       Telemetry API;
 *   <li>the spans that may be an invocation's entry span are indexed for the join
 *       ({@link FunctionSpanIndex}).
 * </ul>
 * What is not passed on is counted in {@link ReceiverCounters#discarded}. A span whose request the
 * export queue then refuses stays in the de-duplication window: the SDK was answered with a partial
 * success, which it does not send again.
 */
public final class FunctionIntake implements OtlpSink {

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.otlp");
  private static final HexFormat HEX = HexFormat.of();

  /**
   * @param enrichResource add the extension's known attributes the function's resource lacks
   * @param forwardLogs false when the function's logs come only through the Telemetry API
   *     ({@code lambda-telemetry.function-logs=telemetry-api}): OTLP log records are then dropped
   * @param dedupWindow spans remembered to recognise a repeated one
   */
  public record Options(boolean enrichResource, boolean forwardLogs, int dedupWindow) {
    public Options {
      if (dedupWindow <= 0) {
        throw new IllegalArgumentException("dedupWindow must be positive: " + dedupWindow);
      }
    }

    /** Enrichment on, logs forwarded, {@link SpanIdWindow#DEFAULT_CAPACITY} spans remembered. */
    public static Options defaults() {
      return new Options(true, true, SpanIdWindow.DEFAULT_CAPACITY);
    }
  }

  private final OtlpSink downstream;
  private final Options options;
  private final ResourceEnricher enricher;
  private final FunctionSpanIndex index;
  private final ReceiverCounters counters;
  private final SpanIdWindow window;
  private boolean warned;

  /**
   * @param downstream where the batches go on (the export side's queue)
   * @param environment the attributes the extension knows of the environment, read on every request
   * @param index where entry spans are indexed for the join, or null when there is no join
   * @param counters where discards are counted: the endpoint's ({@link OtlpEndpoint#start(OtlpSettings,
   *     OtlpSink, io.vertx.core.Vertx, java.time.Clock, ReceiverCounters)})
   */
  public FunctionIntake(OtlpSink downstream, Options options, Supplier<Attributes> environment,
      FunctionSpanIndex index, ReceiverCounters counters) {
    this.downstream = downstream;
    this.options = options;
    this.enricher = new ResourceEnricher(environment);
    this.index = index;
    this.counters = counters;
    this.window = new SpanIdWindow(options.dedupWindow());
  }

  /**
   * Called on the endpoint's threads (HTTP and gRPC may be two event loops): serialised here, as the
   * window and the enricher's cache are not thread-safe and a request takes tens of microseconds.
   */
  @Override
  public synchronized boolean offer(ReceivedBatch batch) {
    if (batch.signal() == Signal.LOGS && !options.forwardLogs()) {
      counters.discard(Signal.LOGS, Discard.FUNCTION_LOGS_OFF, batch.items());
      return true;
    }
    List<byte[]> resources = batch.resources();
    int removed = 0;
    List<Candidate> candidates = List.of();
    try {
      if (batch.signal() == Signal.TRACES) {
        Screen screen = new Screen(index != null);
        resources = screen.apply(resources);
        removed = screen.removed;
        candidates = screen.candidates;
      }
      if (options.enrichResource() && !resources.isEmpty()) {
        resources = enrich(resources);
      }
    } catch (MalformedMessageException e) {
      // The endpoint checked every element: cannot happen. Passed on as it came rather than lost.
      LOG.debugf("passed on unchanged: %s", e.getMessage());
      resources = batch.resources();
      removed = 0;
      candidates = List.of();
    } catch (RuntimeException e) {
      // A bug here must not cost the function its telemetry: pass the request on as it came.
      warnOnce(e);
      resources = batch.resources();
      removed = 0;
      candidates = List.of();
    }
    if (removed > 0) {
      counters.discard(Signal.TRACES, Discard.DUPLICATE, removed);
    }
    if (resources.isEmpty() && !batch.resources().isEmpty()) {
      return true;
    }
    ReceivedBatch out = batch;
    if (resources != batch.resources()) {
      long bytes = 0;
      for (byte[] r : resources) {
        bytes += r.length;
      }
      out = new ReceivedBatch(batch.signal(), resources, batch.items() - removed, bytes, batch.receivedAt());
    }
    if (index != null && !candidates.isEmpty()) {
      index.add(candidates);
    }
    boolean taken = downstream.offer(out);
    if (!taken && index != null && !candidates.isEmpty()) {
      index.forget(candidates);
    }
    return taken;
  }

  private List<byte[]> enrich(List<byte[]> resources) throws MalformedMessageException {
    List<byte[]> out = null;
    for (int i = 0; i < resources.size(); i++) {
      byte[] e = resources.get(i);
      byte[] enriched = enricher.enrich(e);
      if (enriched != e && out == null) {
        out = new ArrayList<>(resources.subList(0, i));
      }
      if (out != null) {
        out.add(enriched);
      }
    }
    return out == null ? resources : out;
  }

  private void warnOnce(RuntimeException e) {
    if (!warned) {
      warned = true;
      LOG.warn("the function's telemetry is passed on without de-duplication or enrichment", e);
    } else {
      LOG.debugf("passed on unchanged: %s", e);
    }
  }

  /** A span naming an invocation, with the id's bytes to compare the next ones with. */
  private record Named(byte[] requestId, Candidate candidate) {}

  /**
   * One request's spans: duplicates found and removed, entry-span candidates gathered. Of the spans
   * naming one invocation, and of the spans of one trace whose parent may be outside, only the
   * earliest-starting becomes a candidate: the index keeps only that one anyway, and an instrumentation
   * that names the invocation on every span must not cost a lookup per span.
   */
  private final class Screen {
    private final boolean gather;
    final List<Candidate> candidates = new ArrayList<>(2);
    int removed;

    /** Per element: which spans are duplicates. */
    private boolean[] duplicate = new boolean[16];
    private int spans;
    private int duplicates;
    /** Per request: the earliest-starting span of each trace whose parent may be outside. */
    private final List<Candidate> earliest = new ArrayList<>(1);
    /** Per request: the earliest-starting span naming each invocation (usually one, or none). */
    private final List<Named> earliestNamed = new ArrayList<>(1);

    Screen(boolean gather) {
      this.gather = gather;
    }

    List<byte[]> apply(List<byte[]> resources) throws MalformedMessageException {
      List<byte[]> out = null;
      for (int i = 0; i < resources.size(); i++) {
        byte[] element = resources.get(i);
        spans = 0;
        duplicates = 0;
        SpanLocator.forEachSpan(element, span -> visit(element, span));
        byte[] kept = element;
        if (duplicates == spans && spans > 0) {
          kept = null;
        } else if (duplicates > 0) {
          byte[][] changes = new byte[spans][];
          for (int s = 0; s < spans; s++) {
            changes[s] = duplicate[s] ? null : SpanRewriter.KEEP;
          }
          kept = SpanRewriter.rewrite(element, changes);
        }
        removed += duplicates;
        if (kept != element && out == null) {
          out = new ArrayList<>(resources.subList(0, i));
        }
        if (out != null && kept != null) {
          out.add(kept);
        }
      }
      return out == null ? resources : out;
    }

    private void visit(byte[] element, SpanLocator.Location span) {
      if (spans == duplicate.length) {
        duplicate = Arrays.copyOf(duplicate, spans * 2);
      }
      int ordinal = spans++;
      duplicate[ordinal] = false;
      if (span.traceIdLength() != 16 || span.spanIdLength() != 8) {
        return;
      }
      long high = SpanEdits.longAt(element, span.traceIdStart());
      long low = SpanEdits.longAt(element, span.traceIdStart() + 8);
      long spanId = SpanEdits.longAt(element, span.spanIdStart());
      if (!window.add(high, low, spanId)) {
        duplicate[ordinal] = true;
        duplicates++;
        return;
      }
      if (!gather) {
        return;
      }
      Candidate priorNamed = span.invocationIdStart() >= 0 ? priorOfRequest(element, span) : null;
      boolean named = span.invocationIdStart() >= 0
          && (priorNamed == null || span.startTimeUnixNano() < priorNamed.startNanos);
      boolean rootward = !span.parentKnownLocal();
      Candidate prior = rootward ? priorOfTrace(high, low) : null;
      boolean first = rootward && (prior == null || span.startTimeUnixNano() < prior.startNanos);
      if (!named && !first) {
        return;
      }
      byte[] requestId = named ? Arrays.copyOfRange(element, span.invocationIdStart(),
          span.invocationIdStart() + span.invocationIdLength()) : null;
      Candidate c = new Candidate(new FunctionSpan(
          HEX.formatHex(element, span.traceIdStart(), span.traceIdStart() + 16),
          HEX.formatHex(element, span.spanIdStart(), span.spanIdStart() + 8),
          span.parentLength() == 8
              ? HEX.formatHex(element, span.parentStart(), span.parentStart() + 8) : null,
          named ? new String(requestId, StandardCharsets.UTF_8) : null),
          spanId, high, low, span.startTimeUnixNano(), first);
      if (named) {
        if (priorNamed != null) {
          earliestNamed.removeIf(n -> n.candidate == priorNamed);
          drop(priorNamed);
        }
        earliestNamed.add(new Named(requestId, c));
      }
      if (first) {
        if (prior != null) {
          earliest.remove(prior);
          prior.byTrace = false;
          drop(prior);
        }
        earliest.add(c);
      }
      candidates.add(c);
    }

    /** Takes a candidate out when it is no longer the earliest of its trace nor of its invocation. */
    private void drop(Candidate c) {
      boolean stillNamed = false;
      for (Named n : earliestNamed) {
        stillNamed |= n.candidate == c;
      }
      if (!c.byTrace && !stillNamed) {
        candidates.remove(c);
      }
    }

    /** The earliest span of this request naming the same invocation, if any. */
    private Candidate priorOfRequest(byte[] element, SpanLocator.Location span) {
      int from = span.invocationIdStart();
      int to = from + span.invocationIdLength();
      for (Named n : earliestNamed) {
        if (Arrays.equals(element, from, to, n.requestId, 0, n.requestId.length)) {
          return n.candidate;
        }
      }
      return null;
    }

    private Candidate priorOfTrace(long high, long low) {
      for (Candidate c : earliest) {
        if (c.traceHigh == high && c.traceLow == low) {
          return c;
        }
      }
      return null;
    }
  }
}
