package io.fanout.bench;

import java.nio.charset.StandardCharsets;

/**
 * Canned upstream bodies shaped like the load harness's simulator answers: a ~300 B user, ~2 KB of orders and
 * ~1 KB of recommendations, built in code so the benchmark needs no files.
 */
final class Bodies {

    private Bodies() {}

    static byte[] user() {
        return ("{\"id\":\"42\",\"name\":\"Ada Lovelace\",\"email\":\"ada.lovelace@example.test\","
                        + "\"phone\":\"+44 20 7946 0018\",\"tier\":\"gold\",\"createdAt\":\"2021-03-14T09:26:53Z\","
                        + "\"locale\":\"en-GB\",\"address\":{\"street\":\"12 Analytical Way\",\"city\":\"London\","
                        + "\"postcode\":\"N1 9GU\",\"country\":\"GB\"},\"flags\":{\"newsletter\":true,\"beta\":false}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] orders() {
        StringBuilder sb = new StringBuilder("{\"userId\":\"42\",\"orders\":[");
        for (int i = 0; i < 13; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":\"ord-")
                    .append(String.format("%04d", i))
                    .append("\",\"status\":\"")
                    .append(i % 2 == 0 ? "SHIPPED" : "DELIVERED")
                    .append("\",\"total\":{\"amount\":\"")
                    .append(10 + i * 7)
                    .append('.')
                    .append(String.format("%02d", i * 37 % 100))
                    .append("\",\"currency\":\"EUR\"},\"items\":[{\"sku\":\"SKU-")
                    .append(String.format("%05d", i * 101))
                    .append("\",\"qty\":")
                    .append(1 + i % 3)
                    .append("}],\"placedAt\":\"2024-")
                    .append(String.format("%02d", 1 + i % 12))
                    .append("-10T10:00:00Z\"}");
        }
        sb.append("],\"total\":13}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] recommendations() {
        StringBuilder sb = new StringBuilder("{\"userId\":\"42\",\"items\":[");
        for (int i = 0; i < 10; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"sku\":\"SKU-")
                    .append(String.format("%05d", i * 313))
                    .append("\",\"score\":0.")
                    .append(99 - i * 7)
                    .append(",\"reason\":\"bought-together \\u00e9\",\"rank\":")
                    .append(i + 1)
                    .append('}');
        }
        sb.append("],\"model\":\"bench-v1\"}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
