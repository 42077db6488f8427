-- Claims in one round trip (issue 16): the items of every job of a worker's round are claimed by one call, in one
-- implicit transaction, instead of BEGIN + lock + claim + COMMIT per job. In a VOLATILE PL/pgSQL function every
-- query takes a fresh snapshot, so the claim of a job is read after its advisory lock is held and sees every claim
-- committed by whoever held the lock before: a job's running count, and so its concurrency, stays exact across
-- instances. A job whose lock another instance holds is skipped this round (try-lock, never a wait).
CREATE FUNCTION fanout_claim(p_jobs BIGINT[], p_wanted INT[], p_owner TEXT, p_lease_ms BIGINT)
    RETURNS TABLE (job_id BIGINT, item INT, input TEXT, attempts INT, claim BIGINT)
    LANGUAGE plpgsql VOLATILE AS
$$
#variable_conflict use_column
DECLARE
    i INT;
    j BIGINT;
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_jobs, 1), 0) LOOP
        j := p_jobs[i];
        -- namespace 0x6a6f6273 ("jobs"), as the single-job claims of V2 used
        CONTINUE WHEN NOT pg_try_advisory_xact_lock(1785684595, (j & 2147483647)::int);
        RETURN QUERY
            WITH room AS (
                SELECT greatest(0, least(p_wanted[i], jb.concurrency - (SELECT count(*) FROM job_items r
                    WHERE r.job_id = jb.id AND r.state = 'running'))) AS n
                FROM jobs jb WHERE jb.id = j AND jb.state IN ('queued', 'running')),
            c AS (
                SELECT p.item FROM job_items p WHERE p.job_id = j AND p.state = 'pending' AND p.not_before <= now()
                ORDER BY p.item LIMIT coalesce((SELECT n FROM room), 0) FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE job_items t SET state = 'running', claim = nextval('job_item_claims'), lease_owner = p_owner,
                    lease_until = now() + p_lease_ms * interval '1 millisecond'
                FROM c WHERE t.job_id = j AND t.item = c.item
                RETURNING t.item, t.input, t.attempts, t.claim),
            started AS (
                UPDATE jobs SET state = 'running', started_at = now()
                WHERE id = j AND state = 'queued' AND EXISTS (SELECT 1 FROM claimed))
            SELECT j, claimed.item, claimed.input, claimed.attempts, claimed.claim FROM claimed;
    END LOOP;
END
$$;
