package dev.lambdatelemetry.otel.telemetry;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * The Telemetry API destination: Lambda POSTs batches here. Thin on purpose: hand the body off and
 * answer 200 at once, for every body, malformed ones included, because a non-2xx answer only makes
 * Lambda resend a batch that can never succeed (and blocks the next one: one batch is in flight).
 */
@Path("/")
public class TelemetryResource {

  static final String SEQUENCE_ID = "Sequence-Id";
  static final String CONTENT_LENGTH = "Content-Length";

  @Inject TelemetryReceiver receiver;

  /** The managed-instances emulator drops the path and always posts to {@code /}. */
  @POST
  @Consumes(MediaType.WILDCARD)
  public Response receiveAtRoot(
      InputStream body,
      @HeaderParam(SEQUENCE_ID) String sequenceId,
      @HeaderParam(CONTENT_LENGTH) String contentLength) {
    receiver.receive(body, sequenceId, length(contentLength));
    return Response.ok().build();
  }

  /** The subscribed path; any other path is not ours. */
  @POST
  @Path("{path: .+}")
  @Consumes(MediaType.WILDCARD)
  public Response receive(
      @PathParam("path") String path,
      InputStream body,
      @HeaderParam(SEQUENCE_ID) String sequenceId,
      @HeaderParam(CONTENT_LENGTH) String contentLength) {
    if (!receiver.acceptsPath(path)) {
      return Response.status(Response.Status.NOT_FOUND).build();
    }
    receiver.receive(body, sequenceId, length(contentLength));
    return Response.ok().build();
  }

  /** The declared body length, so that the receiver sizes its buffer once; -1 when unknown. */
  static long length(String contentLength) {
    if (contentLength == null) {
      return -1;
    }
    try {
      long n = Long.parseLong(contentLength.trim());
      return n >= 0 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
