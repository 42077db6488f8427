-- Durable batch jobs (SPEC §5). A job runs one composite endpoint over many items; every item is one row that
-- moves pending -> running (leased by one worker) -> done, or pending -> cancelled. See docs/jobs.md.
CREATE TABLE jobs (
    id              BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint        TEXT        NOT NULL,
    state           TEXT        NOT NULL DEFAULT 'queued'
                                CHECK (state IN ('queued', 'running', 'completed', 'cancelled')),
    concurrency     INT         NOT NULL CHECK (concurrency > 0),
    total           INT         NOT NULL DEFAULT 0 CHECK (total >= 0),
    -- kept by the statement that writes results, in the same transaction, so they always match the items
    succeeded       INT         NOT NULL DEFAULT 0,
    failed          INT         NOT NULL DEFAULT 0,
    idempotency_key TEXT        UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at      TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ
);

CREATE INDEX jobs_active ON jobs (id) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE job_items (
    job_id      BIGINT      NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    item        INT         NOT NULL CHECK (item > 0),
    -- the row's fields as a JSON object of strings, written by Fanout (text: no need to re-validate it)
    input       TEXT        NOT NULL,
    state       TEXT        NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'running', 'done', 'cancelled')),
    -- attempts that ended in a retryable failure; the next run waits until not_before
    attempts    INT         NOT NULL DEFAULT 0,
    not_before  TIMESTAMPTZ NOT NULL DEFAULT '-infinity',
    -- a fresh number per claim: a result is written only by the claim that still holds the item, so a worker
    -- whose lease expired (and whose item was taken over) cannot write a second result
    claim       BIGINT,
    lease_owner TEXT,
    lease_until TIMESTAMPTZ,
    status      INT,
    -- the whole NDJSON result line, as served by GET /jobs/{id}/results
    result      TEXT,
    finished_at TIMESTAMPTZ,
    PRIMARY KEY (job_id, item)
);

-- claims read pending items in item order; leases are renewed, reaped and counted through running items
CREATE INDEX job_items_pending ON job_items (job_id, item) WHERE state = 'pending';
CREATE INDEX job_items_running ON job_items (job_id) WHERE state = 'running';

CREATE SEQUENCE job_item_claims;

-- Workers on every instance LISTEN on `fanout_jobs`: a new job starts at once instead of at the next poll.
-- From a trigger so the notification is sent only when the submitting transaction commits.
CREATE FUNCTION fanout_notify_job() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('fanout_jobs', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_notify
    AFTER INSERT ON jobs
    FOR EACH ROW EXECUTE FUNCTION fanout_notify_job();
