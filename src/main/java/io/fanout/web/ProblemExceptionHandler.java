package io.fanout.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Turns every error that escapes a handler into an RFC 9457 problem: framework status errors keep their status
 * with a generic message, anything unexpected is a logged 500 whose answer names only the request id.
 */
@Component
@Order(-2)
class ProblemExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        String id = RequestIds.of(exchange);
        if (ex instanceof org.springframework.util.InvalidMimeTypeException
                || ex instanceof org.springframework.http.InvalidMediaTypeException) {
            // a client's malformed Accept or Content-Type is the client's error, not a logged 500
            return ProblemWriter.write(
                    exchange, 400, "a malformed media type in the Accept or Content-Type header", null);
        }
        if (ex instanceof DataBufferLimitException) {
            return ProblemWriter.write(exchange, 413, "the request body is too large", null);
        }
        if (ex instanceof ResponseStatusException rse) {
            int status = rse.getStatusCode().value();
            String detail = switch (status) {
                case 404 -> "no endpoint at " + exchange.getRequest().getPath().value();
                case 405 -> "method " + exchange.getRequest().getMethod() + " is not allowed here";
                case 413 -> "the request body is too large";
                case 415 -> "unsupported content type";
                case 406 -> "no acceptable representation";
                default -> rse.getReason() != null && status < 500 ? rse.getReason() : "request failed";
            };
            return ProblemWriter.write(exchange, status, detail, null);
        }
        if (DatabaseUnavailable.is(ex)) {
            // down, restarting or saturated: a retry soon may work, so say so instead of a 500 (docs/reliability.md)
            // the exception's type only: driver messages stay out of request log lines (docs/request-ids.md)
            log.warn(
                    "[{}] {} {} failed: the database is unavailable ({})",
                    id,
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(),
                    ex.getClass().getSimpleName());
            return ProblemWriter.write(
                    exchange, 503, "the database is unavailable; retry later", java.time.Duration.ofSeconds(1));
        }
        log.error(
                "[{}] unexpected error handling {} {}",
                id,
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath().value(),
                ex);
        return ProblemWriter.write(exchange, 500, "internal error; quote request id " + id, null);
    }
}
