package io.fanout.observe;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.logging.logback.StructuredLogEncoder;

/**
 * The console encoder of {@code logback-spring.xml}: Boot's structured JSON encoder when
 * {@code logging.structured.format.console} names a format ({@code ecs}, {@code logstash}, {@code gelf} or a
 * formatter class), else Boot's text pattern. What Boot does itself without a logback file; with one, Boot's
 * {@code console-appender.xml} would silently ignore the property and {@code structured-console-appender.xml} would
 * fail without it, and logback has no conditionals without Janino.
 */
public final class ConsoleEncoder extends EncoderBase<ILoggingEvent> {

    private @Nullable String format;
    private @Nullable String pattern;
    private Charset charset = StandardCharsets.UTF_8;
    private @Nullable Encoder<ILoggingEvent> delegate;

    /** The structured format ({@code ${CONSOLE_LOG_STRUCTURED_FORMAT}}), empty for text. */
    public void setFormat(@Nullable String format) {
        this.format = format;
    }

    /** The text pattern ({@code ${CONSOLE_LOG_PATTERN}}). */
    public void setPattern(@Nullable String pattern) {
        this.pattern = pattern;
    }

    public void setCharset(Charset charset) {
        this.charset = charset;
    }

    @Override
    public void start() {
        String f = format;
        Encoder<ILoggingEvent> d;
        if (f != null && !f.isBlank()) {
            StructuredLogEncoder structured = new StructuredLogEncoder();
            structured.setFormat(f.trim());
            structured.setCharset(charset);
            d = structured;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setPattern(pattern == null ? "%m%n" : pattern);
            text.setCharset(charset);
            d = text;
        }
        d.setContext(getContext());
        d.start();
        delegate = d;
        super.start();
    }

    @Override
    public void stop() {
        Encoder<ILoggingEvent> d = delegate;
        if (d != null) {
            d.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        Encoder<ILoggingEvent> d = delegate;
        return d == null ? new byte[0] : d.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        Encoder<ILoggingEvent> d = delegate;
        return d == null ? new byte[0] : d.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        Encoder<ILoggingEvent> d = delegate;
        return d == null ? new byte[0] : d.footerBytes();
    }
}
