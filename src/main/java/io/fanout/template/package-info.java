/**
 * Compiled templates and how they render for one request: text templates for path segments, query and header
 * values (each substituted value percent-encoded or checked for its place), JSON body templates, SQL templates whose
 * values are bound parameters, and the {@link io.fanout.template.TemplateScope} a request reads values from.
 * Parsing happens once per config version ({@link io.fanout.template.Templates}); rendering is on the hot path and
 * allocates no more than its output. No knowledge of endpoints, calls or upstream clients.
 */
@NullMarked
package io.fanout.template;

import org.jspecify.annotations.NullMarked;
