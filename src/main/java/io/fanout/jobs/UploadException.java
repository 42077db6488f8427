package io.fanout.jobs;

/** A submission that cannot become a job: answered with a 400 problem whose detail names the line or field. */
final class UploadException extends RuntimeException {

    private final int status;

    UploadException(String message) {
        this(400, message);
    }

    UploadException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static UploadException atLine(long line, String message) {
        return new UploadException("line " + line + ": " + message);
    }

    int status() {
        return status;
    }
}
