/** The Extensions API lifecycle: register, the event loop, init and exit errors. */
package dev.lambdatelemetry.otel.lifecycle;
