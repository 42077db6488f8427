package io.fanout.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValuesTests {

    @Test
    void shouldParseDurationsInEveryUnit() {
        assertThat(ConfigValues.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigValues.parseDuration("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ConfigValues.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigValues.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ConfigValues.parseDuration("0s")).isEqualTo(Duration.ZERO);
        assertThat(ConfigValues.parseDuration("0ms")).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldNameTheBadDurationAndShowExamples() {
        assertThatThrownBy(() -> ConfigValues.parseDuration("5 seconds"))
                .isInstanceOf(InvalidValueException.class)
                .hasMessage("invalid duration '5 seconds' (use e.g. 250ms, 2s, 5m)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.5s", "-1s", "2S", "1d", "s", "2 s", " 2s"})
    void shouldRejectDurationsOutsideTheNotation(String text) {
        assertThatThrownBy(() -> ConfigValues.parseDuration(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("invalid duration '" + text + "'");
    }

    @Test
    void shouldSuggestAUnitForABareNumber() {
        assertThatThrownBy(() -> ConfigValues.parseDuration("500"))
                .hasMessage("invalid duration '500' (add a unit, e.g. 500ms or 500s)");
    }

    @Test
    void shouldRejectDurationsTooLargeToHold() {
        assertThatThrownBy(() -> ConfigValues.parseDuration("99999999999999999999h"))
                .hasMessage("invalid duration '99999999999999999999h' (too large)");
    }

    @Test
    void shouldFormatDurationsInTheLargestExactUnit() {
        assertThat(ConfigValues.formatDuration(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(ConfigValues.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(ConfigValues.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ConfigValues.formatDuration(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(ConfigValues.formatDuration(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(ConfigValues.formatDuration(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void shouldRefuseToFormatSubMillisecondDurations() {
        assertThatThrownBy(() -> ConfigValues.formatDuration(Duration.ofNanos(1500)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldParseSizesAs1024Based() {
        assertThat(ConfigValues.parseSize("100B")).isEqualTo(100);
        assertThat(ConfigValues.parseSize("512KB")).isEqualTo(512 * 1024);
        assertThat(ConfigValues.parseSize("2MB")).isEqualTo(2 * 1024 * 1024);
        assertThat(ConfigValues.parseSize("1GB")).isEqualTo(1024L * 1024 * 1024);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2mb", "2 MB", "1.5MB", "2MiB", "1TB", "-1B", "MB"})
    void shouldRejectSizesOutsideTheNotation(String text) {
        assertThatThrownBy(() -> ConfigValues.parseSize(text))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageStartingWith("invalid size '" + text + "' (use e.g. 512KB, 2MB, 1GB");
    }

    @Test
    void shouldRejectSizesThatOverflow() {
        assertThatThrownBy(() -> ConfigValues.parseSize("9000000000GB")).hasMessageContaining("too large");
    }

    @Test
    void shouldFormatSizesInTheLargestExactUnit() {
        assertThat(ConfigValues.formatSize(2 * 1024 * 1024)).isEqualTo("2MB");
        assertThat(ConfigValues.formatSize(1536 * 1024)).isEqualTo("1536KB");
        assertThat(ConfigValues.formatSize(100)).isEqualTo("100B");
        assertThat(ConfigValues.formatSize(1024L * 1024 * 1024)).isEqualTo("1GB");
    }

    @Test
    void shouldParseRatesPerSecondMinuteAndHour() {
        assertThat(ConfigValues.parseRate("500/s")).isEqualTo(new Rate(500, Duration.ofSeconds(1)));
        assertThat(ConfigValues.parseRate("30/m")).isEqualTo(new Rate(30, Duration.ofMinutes(1)));
        assertThat(ConfigValues.parseRate("10/h")).isEqualTo(new Rate(10, Duration.ofHours(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"500", "500/d", "500 / s", "1.5/s", "/s"})
    void shouldRejectRatesOutsideTheNotation(String text) {
        assertThatThrownBy(() -> ConfigValues.parseRate(text))
                .hasMessage("invalid rate '" + text + "' (use e.g. 500/s, 30/m, 10/h)");
    }

    @Test
    void shouldRejectAZeroRate() {
        assertThatThrownBy(() -> ConfigValues.parseRate("0/s")).hasMessageStartingWith("invalid rate '0/s'");
    }

    @Test
    void shouldFormatRatesBackToTheirNotation() {
        assertThat(ConfigValues.formatRate(new Rate(30, Duration.ofMinutes(1)))).isEqualTo("30/m");
    }

    @Test
    void shouldParseRatiosAsShares() {
        assertThat(ConfigValues.parseRatio("20%")).isEqualTo(0.2);
        assertThat(ConfigValues.parseRatio("0%")).isEqualTo(0.0);
        assertThat(ConfigValues.parseRatio("100%")).isEqualTo(1.0);
        assertThat(ConfigValues.parseRatio("12.5%")).isEqualTo(0.125);
    }

    @ParameterizedTest
    @ValueSource(strings = {"120%", "-5%", "0.2", "20 %", "%"})
    void shouldRejectRatiosOutsideZeroToHundredPercent(String text) {
        assertThatThrownBy(() -> ConfigValues.parseRatio(text)).hasMessageStartingWith("invalid ratio '" + text + "'");
    }

    @Test
    void shouldSuggestAPercentSignForABareNumber() {
        assertThatThrownBy(() -> ConfigValues.parseRatio("20"))
                .hasMessage("invalid ratio '20' (add a percent sign: 20%)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"20%", "5%", "0%", "100%", "12.5%", "33.333%", "0.1%"})
    void shouldFormatRatiosBackToWhatWasWritten(String text) {
        assertThat(ConfigValues.formatRatio(ConfigValues.parseRatio(text))).isEqualTo(text);
    }
}
