package io.fanout.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The demo's five services on ports 18181-18185 (127.0.0.1 unless told otherwise) (users, orders, companies, catalog, recs). Deterministic
 * data derived from the ids; user 13's recommendations take 2 s so the demo can show a partial answer, and user
 * 404 does not exist.
 */
public final class DemoUpstreams implements AutoCloseable {

    private final List<DisposableServer> servers = new ArrayList<>();
    private String host = "127.0.0.1";

    /** On loopback, for the demo on one machine. */
    public DemoUpstreams start() {
        return start("127.0.0.1");
    }

    /** On {@code host}: {@code 0.0.0.0} in docker compose, where Fanout runs in another container. */
    public DemoUpstreams start(String host) {
        this.host = host;
        serve(
                18181,
                r -> r.get("/users/{id}", (req, res) -> {
                    String id = req.param("id");
                    if ("404".equals(id)) {
                        return res.status(404)
                                .header("content-type", "application/json")
                                .sendString(Mono.just("{\"error\":\"no such user\"}"))
                                .then();
                    }
                    return json(
                            res,
                            "{\"id\":\"" + id + "\",\"name\":\"User " + id + "\",\"companyId\":\"c" + (id.length() % 3)
                                    + "\",\"language\":\""
                                    + req.requestHeaders().get("Accept-Language", "en") + "\"}");
                }));
        serve(
                18182,
                r -> r.get("/orders", (req, res) -> {
                    String query = req.uri().contains("?")
                            ? req.uri().substring(req.uri().indexOf('?') + 1)
                            : "";
                    int limit = 3;
                    for (String kv : query.split("&")) {
                        if (kv.startsWith("limit=")) {
                            try {
                                limit = Math.min(20, Integer.parseInt(kv.substring(6)));
                            } catch (NumberFormatException ignored) {
                                limit = 3;
                            }
                        }
                    }
                    StringBuilder items = new StringBuilder();
                    for (int i = 1; i <= limit; i++) {
                        items.append(i > 1 ? "," : "")
                                .append("{\"id\":\"o")
                                .append(i)
                                .append("\",\"productId\":\"p")
                                .append(i)
                                .append("\",\"quantity\":")
                                .append(i)
                                .append('}');
                    }
                    return json(res, "{\"items\":[" + items + "]}");
                }));
        serve(
                18183,
                r -> r.get(
                        "/companies/{id}",
                        (req, res) -> json(
                                res,
                                "{\"id\":\"" + req.param("id") + "\",\"name\":\"Company " + req.param("id") + "\"}")));
        serve(
                18184,
                r -> r.get(
                        "/catalog/products/{id}",
                        (req, res) -> json(
                                res,
                                "{\"id\":\"" + req.param("id") + "\",\"title\":\"Product " + req.param("id")
                                        + "\",\"price\":" + (req.param("id").length() * 7) + ".5}")));
        serve(
                18185,
                r -> r.get("/recs/{id}", (req, res) -> {
                    Mono<Void> delay = "13".equals(req.param("id"))
                            ? Mono.delay(Duration.ofSeconds(2)).then()
                            : Mono.empty();
                    return delay.then(json(res, "{\"model\":\"v2\",\"items\":[\"p7\",\"p3\",\"p9\"]}"));
                }));
        return this;
    }

    private static Mono<Void> json(reactor.netty.http.server.HttpServerResponse res, String body) {
        return res.header("content-type", "application/json")
                .sendString(Mono.just(body))
                .then();
    }

    private void serve(int port, java.util.function.Consumer<HttpServerRoutes> routes) {
        servers.add(HttpServer.create().host(host).port(port).route(routes).bindNow());
    }

    @Override
    public void close() {
        servers.forEach(DisposableServer::disposeNow);
    }
}
