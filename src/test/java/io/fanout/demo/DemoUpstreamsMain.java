package io.fanout.demo;

/**
 * Runs only the demo's five services, for docker compose (where Fanout and PostgreSQL are containers of their own):
 * {@code java -cp test-classes:classes:lib/* io.fanout.demo.DemoUpstreamsMain [host]}, host {@code 0.0.0.0} by
 * default so that other containers reach them.
 */
public final class DemoUpstreamsMain {

    private DemoUpstreamsMain() {}

    public static void main(String[] args) throws InterruptedException {
        String host = args.length > 0 ? args[0] : "0.0.0.0";
        DemoUpstreams upstreams = new DemoUpstreams().start(host);
        Runtime.getRuntime().addShutdownHook(new Thread(upstreams::close));
        System.out.println("demo upstreams listening on " + host + ":18181-18185");
        Thread.currentThread().join(); // the servers run on Netty's threads until the container stops
    }
}
