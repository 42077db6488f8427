package io.fanout.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** The titles written out without Spring stay what Spring's reason phrases were (no change on the wire). */
class ProblemTypesTests {

    @Test
    void shouldTitleEveryErrorStatusAsSpringsReasonPhraseDoes() {
        List<String> differences = new ArrayList<>();

        for (int status = 400; status < 600; status++) {
            HttpStatus s = HttpStatus.resolve(status);
            String expected = s != null ? s.getReasonPhrase() : "Error " + status;
            if (!ProblemTypes.title(status).equals(expected)) {
                differences.add(status + ": " + ProblemTypes.title(status) + " instead of " + expected);
            }
        }

        assertThat(differences).isEmpty();
    }

    @Test
    void shouldTypeAFailedCallsAnswerByItsStatus() {
        assertThat(ProblemTypes.typeForFailedCall(404)).isEqualTo(ProblemTypes.BASE + "upstream-rejected");
        assertThat(ProblemTypes.typeForFailedCall(409)).isEqualTo(ProblemTypes.BASE + "upstream-rejected");
        assertThat(ProblemTypes.typeForFailedCall(502)).isEqualTo(ProblemTypes.BASE + "upstream-failed");
        assertThat(ProblemTypes.typeForFailedCall(503)).isEqualTo(ProblemTypes.BASE + "upstream-unavailable");
        assertThat(ProblemTypes.typeForFailedCall(504)).isEqualTo(ProblemTypes.BASE + "upstream-timeout");
    }
}
