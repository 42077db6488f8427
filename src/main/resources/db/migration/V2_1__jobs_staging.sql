-- Uploads stage their items instead of holding one transaction (and one pooled connection) for the whole upload
-- (docs/jobs.md, "Submission"). A job is created as 'staging': invisible to workers, to GET /jobs and to
-- GET /jobs/{id}; its items are inserted in short autocommit batches while the client sends; the last statement
-- flips it to 'queued' with its total. A rejected or abandoned upload deletes its job (items cascade). The upload
-- renews staging_until while it lives; a crashed instance's staging jobs are deleted by every worker's sweeper
-- once staging_until has passed.
ALTER TABLE jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_state_check
    CHECK (state IN ('staging', 'queued', 'running', 'completed', 'cancelled'));
ALTER TABLE jobs ADD COLUMN staging_until TIMESTAMPTZ;

CREATE INDEX jobs_staging ON jobs (staging_until) WHERE state = 'staging';

-- Workers hear of a job when it becomes queued: inserted as queued, or flipped from staging at the end of an upload.
DROP TRIGGER jobs_notify ON jobs;
CREATE TRIGGER jobs_notify
    AFTER INSERT ON jobs
    FOR EACH ROW WHEN (NEW.state = 'queued') EXECUTE FUNCTION fanout_notify_job();
CREATE TRIGGER jobs_notify_queued
    AFTER UPDATE OF state ON jobs
    FOR EACH ROW WHEN (OLD.state = 'staging' AND NEW.state = 'queued') EXECUTE FUNCTION fanout_notify_job();
