package io.fanout.tooling.openapi;

import static io.fanout.tooling.openapi.Operations.body;
import static io.fanout.tooling.openapi.Operations.content;
import static io.fanout.tooling.openapi.Operations.header;
import static io.fanout.tooling.openapi.Operations.json;
import static io.fanout.tooling.openapi.Operations.object;
import static io.fanout.tooling.openapi.Operations.ok;
import static io.fanout.tooling.openapi.Operations.operation;
import static io.fanout.tooling.openapi.Operations.path;
import static io.fanout.tooling.openapi.Operations.problems;
import static io.fanout.tooling.openapi.Operations.query;
import static io.fanout.tooling.openapi.Operations.secured;
import static io.fanout.tooling.openapi.Operations.string;
import static io.fanout.tooling.openapi.Operations.withHeader;

import io.fanout.tooling.ConfigSchema;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Content;

/** The admin (SPEC §4), jobs (SPEC §5) and tooling (SPEC §10) operations; they do not depend on the config. */
final class OwnApis {

    static final String ADMIN = "admin";
    static final String JOBS = "jobs";
    static final String ADMIN_TOKEN = "adminToken";
    static final String JOBS_TOKEN = "jobsToken";

    private static final String YAML = "application/yaml";
    private static final String[] ADMIN_REFUSALS = {
        "401", "missing or wrong bearer token", "403", "admin API disabled: set FANOUT_ADMIN_TOKEN"
    };
    private static final String[] JOBS_REFUSALS = {
        "401",
        "missing or wrong bearer token",
        "403",
        "jobs API disabled: set FANOUT_JOBS_TOKEN or FANOUT_ADMIN_TOKEN",
        "503",
        "jobs need a database: configure spring.r2dbc.url"
    };

    private OwnApis() {}

    static void addTo(Paths paths) {
        paths.addPathItem(
                "/admin/config",
                new PathItem()
                        .get(admin("getConfig", "The current config and its version (ETag), as YAML or JSON by Accept")
                                .responses(
                                        responses(withHeader(ok("current config", config()), "ETag", "\"<version>\""))))
                        .put(problems(
                                admin("putConfig", "Replace the whole config (a new version); dry-run only reports")
                                        .addParametersItem(query("dry-run", "boolean", "validate and report only"))
                                        .addParametersItem(
                                                header("If-Match", "\"<version>\": 412 when someone changed it first"))
                                        .requestBody(body(config(), true))
                                        .responses(responses(ok("applied, or the dry-run report", json(object())))),
                                "409",
                                "read-only: no database configured",
                                "412",
                                "the version changed since If-Match",
                                "422",
                                "every validation problem, located")));
        paths.addPathItem(
                ConfigSchema.PATH,
                new PathItem()
                        .get(operation(
                                        ADMIN,
                                        "getConfigSchema",
                                        "The config's JSON Schema (draft 2020-12); no token needed")
                                .responses(responses(ok("the schema", content(object(), "application/schema+json"))))));
        paths.addPathItem(
                "/admin/config/versions",
                new PathItem()
                        .get(admin("listVersions", "Every stored version, newest first")
                                .responses(responses(ok("versions", json(object()))))));
        paths.addPathItem(
                "/admin/config/versions/{n}",
                new PathItem()
                        .get(problems(
                                admin("getVersion", "One stored version")
                                        .addParametersItem(path("n", "version number"))
                                        .responses(responses(ok("the version", config()))),
                                "404",
                                "no such version")));
        paths.addPathItem(
                "/admin/config/versions/{n}/restore",
                new PathItem()
                        .post(problems(
                                admin("restoreVersion", "A new version with version n's content")
                                        .addParametersItem(path("n", "version number"))
                                        .responses(responses(ok("restored as a new version", json(object())))),
                                "404",
                                "no such version",
                                "409",
                                "read-only: no database configured")));
        section(paths, "upstreams", "upstream");
        section(paths, "endpoints", "endpoint");
        paths.addPathItem(
                "/admin/upstreams/{name}/status",
                new PathItem()
                        .get(problems(
                                admin(
                                                "upstreamStatus",
                                                "Circuit state, bulkhead in use, rate limiter, recent p50/p99 and error rate")
                                        .addParametersItem(path("name", "upstream name"))
                                        .responses(responses(ok("status", json(object())))),
                                "404",
                                "no such upstream")));
        jobs(paths);
        addRefusals(paths);
    }

    private static void section(Paths paths, String plural, String singular) {
        String id = Character.toUpperCase(singular.charAt(0)) + singular.substring(1);
        paths.addPathItem(
                "/admin/" + plural + "/{name}",
                new PathItem()
                        .addParametersItem(path("name", singular + " name"))
                        .get(problems(
                                admin("get" + id, "One " + singular + " as written")
                                        .responses(responses(ok(singular, config()))),
                                "404",
                                "no such " + singular))
                        .put(problems(
                                admin("put" + id, "Create or replace one " + singular + " (a new version)")
                                        .requestBody(body(config(), true))
                                        .responses(responses(ok("replaced", json(object())))
                                                .addApiResponse("201", ok("created", json(object())))),
                                "409",
                                "read-only: no database configured",
                                "422",
                                "validation problems"))
                        .delete(problems(
                                admin("delete" + id, "Remove one " + singular + " (a new version)")
                                        .responses(responses(ok("removed", json(object())))),
                                "404",
                                "no such " + singular,
                                "409",
                                "in use by an endpoint, or read-only")));
    }

    private static void jobs(Paths paths) {
        paths.addPathItem(
                "/jobs",
                new PathItem()
                        .post(problems(
                                job(
                                                "submitJob",
                                                "Run an endpoint over many inputs: JSON, or a streamed CSV or"
                                                        + " NDJSON upload with endpoint and concurrency as query parameters")
                                        .addParametersItem(query("endpoint", "string", "endpoint name (uploads)"))
                                        .addParametersItem(query("concurrency", "integer", "items at once (uploads)"))
                                        .addParametersItem(
                                                header("Idempotency-Key", "a retried submission returns the same job"))
                                        .requestBody(body(
                                                content(
                                                        object(),
                                                        "application/json",
                                                        "text/csv",
                                                        "application/x-ndjson"),
                                                true))
                                        .responses(responses(
                                                "202",
                                                withHeader(ok("accepted", json(object())), "Location", "/jobs/{id}"))),
                                "400",
                                "malformed input, naming the line"))
                        .get(job("listJobs", "Jobs, newest first, paginated")
                                .addParametersItem(query("state", "string", "queued, running, completed or cancelled"))
                                .addParametersItem(query("limit", "integer", "page size (default 50)"))
                                .addParametersItem(query("before", "integer", "jobs older than this id"))
                                .responses(responses(ok("a page of jobs", json(object()))))));
        paths.addPathItem(
                "/jobs/{id}",
                new PathItem()
                        .addParametersItem(path("id", "job id"))
                        .get(problems(
                                job("getJob", "State and counts").responses(responses(ok("the job", json(object())))),
                                "404",
                                "no such job"))
                        .delete(problems(
                                job("cancelJob", "Cancel; pending items never run")
                                        .responses(responses(ok("cancelled", json(object())))),
                                "404",
                                "no such job")));
        paths.addPathItem(
                "/jobs/{id}/results",
                new PathItem()
                        .addParametersItem(path("id", "job id"))
                        .get(problems(
                                job("jobResults", "NDJSON in item order, one line per finished item")
                                        .addParametersItem(
                                                query("follow", "boolean", "keep streaming until the job ends"))
                                        .responses(responses(
                                                ok("result lines", content(object(), "application/x-ndjson")))),
                                "404",
                                "no such job")));
        paths.addPathItem(
                "/jobs/{id}/events",
                new PathItem()
                        .addParametersItem(path("id", "job id"))
                        .get(problems(
                                job("jobEvents", "SSE progress events and a final done")
                                        .responses(responses(ok("events", content(string(), "text/event-stream")))),
                                "404",
                                "no such job")));
    }

    private static Operation admin(String id, String summary) {
        return secured(operation(ADMIN, id, summary), ADMIN_TOKEN);
    }

    private static Operation job(String id, String summary) {
        return secured(operation(JOBS, id, summary), JOBS_TOKEN);
    }

    /** Every protected operation can also be refused for its token (added last, after its own answers). */
    private static void addRefusals(Paths paths) {
        paths.values()
                .forEach(item -> item.readOperations().forEach(op -> {
                    if (op.getSecurity() == null) {
                        return;
                    }
                    boolean admin = op.getSecurity().stream().anyMatch(r -> r.containsKey(ADMIN_TOKEN));
                    problems(op, admin ? ADMIN_REFUSALS : JOBS_REFUSALS);
                }));
    }

    private static Content config() {
        return content(Operations.ref("Config"), YAML, "application/json");
    }

    private static io.swagger.v3.oas.models.responses.ApiResponses responses(
            io.swagger.v3.oas.models.responses.ApiResponse ok) {
        return responses("200", ok);
    }

    private static io.swagger.v3.oas.models.responses.ApiResponses responses(
            String status, io.swagger.v3.oas.models.responses.ApiResponse ok) {
        return new io.swagger.v3.oas.models.responses.ApiResponses().addApiResponse(status, ok);
    }
}
