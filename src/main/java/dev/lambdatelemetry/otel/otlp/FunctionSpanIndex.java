package dev.lambdatelemetry.otel.otlp;

import dev.lambdatelemetry.otel.translate.FunctionSpan;
import dev.lambdatelemetry.otel.translate.FunctionTraces;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The function's spans that can be an invocation's entry span, from when {@link FunctionIntake} passes
 * them on until they are exported, and the join's edits of them: both sides of the join on the
 * function's spans. {@link FunctionTraces} for the converter (which span, and what to change),
 * {@link BatchEditor} for the exporter (the changes, applied to the bytes as they leave).
 *
 * <p>Indexed: a span naming an invocation ({@link SpanLocator#INVOCATION_KEYS}), by that id; and per
 * trace id the earliest-starting span whose parent is not known to be in the function (a root, a remote
 * parent, or an SDK that does not say: the entry span starts before all its descendants, so the
 * earliest start picks it). Bounded: at most {@code maxEntries} spans, the oldest forgotten first (an
 * entry span is asked for within seconds of its arrival; one forgotten before that is exported as it came).
 *
 * <p>Thread-safe, one lock: the endpoint's thread adds, the converter asks and records edits, the
 * exporter takes the edits. A span leaves the index when {@link #beforeExport} sees it: a
 * {@link #reparent} or {@link #link} either happens before (and is applied) or after (and returns false).
 */
public final class FunctionSpanIndex implements FunctionTraces, BatchEditor {

  /** Spans indexed at most: about 500 bytes each with their ids as text, 256 KiB in all. */
  public static final int DEFAULT_MAX_ENTRIES = 512;
  /** Links one span may be given; the join adds one. */
  static final int MAX_LINKS = 4;

  private static final Logger LOG = Logger.getLogger("dev.lambdatelemetry.otel.otlp");
  private static final HexFormat HEX = HexFormat.of();

  /** A received span worth indexing, as {@link FunctionIntake} found it. */
  static final class Candidate {
    final FunctionSpan span;
    final long spanId;
    final long traceHigh;
    final long traceLow;
    final long startNanos;
    /** Whether it is the earliest-starting span of its trace in its element whose parent may be outside. */
    boolean byTrace;

    Candidate(FunctionSpan span, long spanId, long traceHigh, long traceLow, long startNanos,
        boolean byTrace) {
      this.span = span;
      this.spanId = spanId;
      this.traceHigh = traceHigh;
      this.traceLow = traceLow;
      this.startNanos = startNanos;
      this.byTrace = byTrace;
    }
  }

  /** An indexed span and the edits asked for it. */
  private static final class Entry {
    final Candidate span;
    byte[] newParent;
    List<byte[]> links;

    Entry(Candidate span) {
      this.span = span;
    }
  }

  private final int maxEntries;
  private final LinkedHashMap<Long, Entry> bySpanId;
  private final Map<String, Entry> byRequest = new HashMap<>();
  private final Map<String, Entry> byTrace = new HashMap<>();

  public FunctionSpanIndex() {
    this(DEFAULT_MAX_ENTRIES);
  }

  public FunctionSpanIndex(int maxEntries) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.bySpanId = new LinkedHashMap<>(Math.min(maxEntries, 64) * 2) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Entry> eldest) {
        if (size() <= FunctionSpanIndex.this.maxEntries) {
          return false;
        }
        unlink(eldest.getValue());
        return true;
      }
    };
  }

  /** Indexes spans about to be passed on to export (before, so the exporter cannot see them first). */
  synchronized void add(List<Candidate> candidates) {
    for (Candidate c : candidates) {
      if (bySpanId.containsKey(c.spanId)) {
        continue;
      }
      Entry e = new Entry(c);
      boolean keep = false;
      String requestId = c.span.requestId();
      if (requestId != null) {
        Entry current = byRequest.get(requestId);
        if (current == null || c.startNanos < current.span.startNanos) {
          byRequest.put(requestId, e);
          keep = true;
        }
      }
      if (c.byTrace) {
        Entry current = byTrace.get(c.span.traceId());
        if (current == null || c.startNanos < current.span.startNanos) {
          byTrace.put(c.span.traceId(), e);
          keep = true;
        }
      }
      if (keep) {
        bySpanId.put(c.spanId, e);
      }
    }
  }

  /** Forgets spans that were not passed on after all (the export queue refused them). */
  synchronized void forget(List<Candidate> candidates) {
    for (Candidate c : candidates) {
      Entry e = bySpanId.get(c.spanId);
      if (e != null && e.span == c) {
        bySpanId.remove(c.spanId);
        unlink(e);
      }
    }
  }

  /** Spans indexed now. */
  public synchronized int size() {
    return bySpanId.size();
  }

  @Override
  public synchronized Optional<FunctionSpan> entrySpan(String requestId, String platformTraceId) {
    Entry e = requestId == null ? null : byRequest.get(requestId);
    if (e == null && platformTraceId != null) {
      e = byTrace.get(platformTraceId.toLowerCase(Locale.ROOT));
    }
    return e == null ? Optional.empty() : Optional.of(e.span.span);
  }

  @Override
  public boolean reparent(FunctionSpan entry, String parentSpanId) {
    byte[] parent = parseHex(parentSpanId, 8);
    if (parent == null) {
      LOG.debugf("join: not a span id: %s", parentSpanId);
      return false;
    }
    synchronized (this) {
      Entry e = find(entry);
      if (e == null) {
        return false;
      }
      e.newParent = parent;
      return true;
    }
  }

  @Override
  public boolean link(FunctionSpan entry, String traceId, String spanId) {
    byte[] t = parseHex(traceId, 16);
    byte[] s = parseHex(spanId, 8);
    if (t == null || s == null) {
      LOG.debugf("join: not a trace and span id: %s %s", traceId, spanId);
      return false;
    }
    synchronized (this) {
      Entry e = find(entry);
      if (e == null || (e.links != null && e.links.size() >= MAX_LINKS)) {
        return false;
      }
      if (e.links == null) {
        e.links = new ArrayList<>(1);
      }
      e.links.add(SpanEdits.link(t, s));
      return true;
    }
  }

  /**
   * The batch with the recorded edits applied to the spans they name (a new parent, links), or the
   * same batch when none applies; every indexed span in it leaves the index. Call once per batch, just
   * before it is written out, and retry with what it returned.
   */
  @Override
  public ReceivedBatch beforeExport(ReceivedBatch batch) {
    if (batch.signal() != Signal.TRACES) {
      return batch;
    }
    synchronized (this) {
      if (bySpanId.isEmpty()) {
        return batch;
      }
    }
    List<byte[]> out = null;
    List<byte[]> resources = batch.resources();
    for (int i = 0; i < resources.size(); i++) {
      byte[] element = resources.get(i);
      byte[] edited = edit(element);
      if (edited != element && out == null) {
        out = new ArrayList<>(resources.subList(0, i));
      }
      if (out != null) {
        out.add(edited);
      }
    }
    if (out == null) {
      return batch;
    }
    long bytes = 0;
    for (byte[] e : out) {
      bytes += e.length;
    }
    return new ReceivedBatch(batch.signal(), out, batch.items(), bytes, batch.receivedAt());
  }

  private byte[] edit(byte[] element) {
    SpanEdits edits = new SpanEdits();
    try {
      SpanLocator.forEachSpan(element, span -> {
        Entry e = take(element, span);
        if (e != null && (e.newParent != null || e.links != null)) {
          edits.add(span, e.newParent, e.links);
        }
        edits.next();
      });
      return edits.applyTo(element);
    } catch (MalformedMessageException e) {
      // Checked when received: cannot happen. Sent as it came rather than not at all.
      LOG.debugf("join: span edits not applied to a malformed element: %s", e.getMessage());
      return element;
    }
  }

  /** Removes the span's entry, if indexed, and returns it (with the edits recorded until now). */
  private synchronized Entry take(byte[] element, SpanLocator.Location span) {
    if (span.spanIdLength() != 8 || span.traceIdLength() != 16) {
      return null;
    }
    long id = SpanEdits.longAt(element, span.spanIdStart());
    Entry e = bySpanId.get(id);
    if (e == null || e.span.traceHigh != SpanEdits.longAt(element, span.traceIdStart())
        || e.span.traceLow != SpanEdits.longAt(element, span.traceIdStart() + 8)) {
      return null;
    }
    bySpanId.remove(id);
    unlink(e);
    return e;
  }

  private Entry find(FunctionSpan span) {
    byte[] id = parseHex(span.spanId(), 8);
    if (id == null) {
      return null;
    }
    Entry e = bySpanId.get(SpanEdits.longAt(id, 0));
    return e != null && e.span.span.traceId().equalsIgnoreCase(span.traceId()) ? e : null;
  }

  private void unlink(Entry e) {
    String requestId = e.span.span.requestId();
    if (requestId != null) {
      byRequest.remove(requestId, e);
    }
    byTrace.remove(e.span.span.traceId(), e);
  }

  private static byte[] parseHex(String hex, int bytes) {
    if (hex == null || hex.length() != 2 * bytes) {
      return null;
    }
    try {
      return HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
