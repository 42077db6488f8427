-- Fanout's configuration as immutable, numbered versions (SPEC §3). The application only ever inserts
-- version latest+1 (see io.fanout.store.ConfigStore); the primary key is what makes two concurrent writers
-- on the same base version unable to both win.
--
-- `document` is `json`, not `jsonb`, on purpose: jsonb normalises objects (keys re-sorted by length, then
-- bytes; duplicates dropped), so a config read back would no longer be "as written" - upstreams and
-- endpoints would come back in a different order than the operator wrote them. `json` keeps the exact text
-- and still validates it; cast with `document::jsonb` when a query needs jsonb operators.
CREATE TABLE config_versions (
    version    BIGINT      PRIMARY KEY CHECK (version > 0),
    document   JSON        NOT NULL CHECK (json_typeof(document) = 'object'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by TEXT        NOT NULL,
    reason     TEXT        NOT NULL DEFAULT ''
);

-- Every instance LISTENs on `fanout_config` and reloads when told. Notifying from a trigger rather than
-- from the application: NOTIFY is delivered only when the inserting transaction commits (never for a
-- rolled-back write), and it also fires for versions written by hand (an operator restoring with psql).
CREATE FUNCTION fanout_notify_config_version() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM pg_notify('fanout_config', NEW.version::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER config_versions_notify
    AFTER INSERT ON config_versions
    FOR EACH ROW EXECUTE FUNCTION fanout_notify_config_version();

-- Versions are history: a restore makes a new version, nothing rewrites an old one.
CREATE FUNCTION fanout_reject_config_version_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'config version % is immutable', OLD.version;
END
$$;

CREATE TRIGGER config_versions_immutable
    BEFORE UPDATE OR DELETE ON config_versions
    FOR EACH ROW EXECUTE FUNCTION fanout_reject_config_version_change();
