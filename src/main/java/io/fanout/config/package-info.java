/**
 * Spring wiring: properties, beans, start-up loading of the config file, warm-up and start-up failure reporting.
 * The only package that knows how the parts are assembled; no request logic here.
 */
@NullMarked
package io.fanout.config;

import org.jspecify.annotations.NullMarked;
