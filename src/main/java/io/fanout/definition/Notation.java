package io.fanout.definition;

/**
 * How a config value is written, as the binder reads it and a JSON Schema would describe it. Value notations
 * ({@code 250ms}, {@code 2MB}, {@code 500/s}, {@code 20%}) are parsed by {@link ConfigValues}.
 */
public enum Notation {
    /** Plain text. */
    STRING,
    /** Text with {@code {source.x}} templates (or, for jdbc calls, SQL with templates). */
    TEMPLATE,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** A whole number of at least {@link ConfigKey#minimum()}. */
    WHOLE_NUMBER,
    /** {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}. */
    DURATION,
    /** {@code 512KB}, {@code 2MB}, {@code 1GB} (1024-based). */
    SIZE,
    /** {@code 500/s}, {@code 30/m}, {@code 10/h}. */
    RATE,
    /** {@code 20%}. */
    RATIO,
    /** One of {@link ConfigKey#choices()} (case-insensitive). */
    CHOICE,
    /** A JSON Pointer such as {@code /items}. */
    JSON_POINTER,
    /** Any JSON value, templates allowed in strings. */
    JSON,
    /** A map of header name to (template) value. */
    HEADER_MAP,
    /** A list of header names. */
    HEADER_LIST,
    /** A list of retry conditions: {@code connect-error}, {@code timeout} or a status. */
    RETRY_CONDITIONS,
    /** A map of query parameter name to template (http), or a SQL string (jdbc). */
    QUERY,
    /** A policy: {@code false} (off), {@code true} (its defaults) or a map of its keys. */
    POLICY,
    /** A map of named entries, each a section of its own (upstreams, endpoints, calls). */
    NAMED_SECTIONS,
    /** A map of its own section's keys ({@code clients}, {@code clients.jwt}). */
    SECTION,
    /** A list of strings (audiences, algorithms, scopes). */
    STRING_LIST
}
