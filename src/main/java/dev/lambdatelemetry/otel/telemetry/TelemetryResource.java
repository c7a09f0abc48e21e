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

  @Inject TelemetryReceiver receiver;

  /** The managed-instances emulator drops the path and always posts to {@code /}. */
  @POST
  @Consumes(MediaType.WILDCARD)
  public Response receiveAtRoot(InputStream body, @HeaderParam(SEQUENCE_ID) String sequenceId) {
    receiver.receive(body, sequenceId);
    return Response.ok().build();
  }

  /** The subscribed path; any other path is not ours. */
  @POST
  @Path("{path: .+}")
  @Consumes(MediaType.WILDCARD)
  public Response receive(
      @PathParam("path") String path,
      InputStream body,
      @HeaderParam(SEQUENCE_ID) String sequenceId) {
    if (!receiver.acceptsPath(path)) {
      return Response.status(Response.Status.NOT_FOUND).build();
    }
    receiver.receive(body, sequenceId);
    return Response.ok().build();
  }
}
