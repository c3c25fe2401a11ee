"""The audit log becomes a table partitioned by month (PostgreSQL declarative partitioning).

A row per resident shown on every board view, for ten years of national use, is billions of
rows: one heap with five B-tree indexes makes every INSERT touch ever deeper, ever colder index
pages. Partitioned by ``at`` (RANGE, one partition per calendar month in UTC), an INSERT only
touches the current month's small partition and its indexes, whatever the total size.

- The parent keeps the name ``audit_auditevent``: the application reads and writes it as before
  (the model is unchanged; ``id`` stays the model's primary key). A partitioned table's primary
  key must contain the partition key, so the table's PRIMARY KEY is ``(id, at)``; ``id`` is
  still unique because one identity sequence numbers every row.
- Partitions are ``audit_auditevent_pYYYY_MM``; ``audit_auditevent_default`` takes any row
  outside them (a clock far off, or the partitions not created in time), so an INSERT never
  fails for want of a partition.
- The append-only trigger is a row trigger on the parent, so PostgreSQL clones it onto every
  partition, present and future: UPDATE and DELETE are refused through the parent and on a
  partition directly.
- ``audit_auditevent_add_partitions(months_ahead)`` creates the partitions from this month to
  ``months_ahead`` months ahead (idempotent). It is SECURITY DEFINER (it runs as the owner,
  who alone may create tables), with a fixed search_path, and only the application role may
  execute it (``grant_app_role``): the nightly job ``audit.add_partitions`` calls it as the
  application role. It creates nothing but empty, future partitions, strips every privilege
  but the owner's from each (the application reaches rows only through the parent), and
  never creates a month whose rows already sit in the default partition (it warns instead).
- This migration creates the months of the existing rows and 24 months ahead, copies the rows
  over (ids kept, in one transaction: on a large existing log, plan a maintenance window) and
  drops the old table. Reversible: going back copies the rows into a plain table again.
"""

from django.db import migrations

# The functions are created with the search_path of the migration's schema followed by
# pg_temp (so no temporary table can stand in for the log in the SECURITY DEFINER function).
FUNCTIONS = r"""
DO $do$
DECLARE
    previous text := current_setting('search_path');
BEGIN
    PERFORM set_config('search_path', quote_ident(current_schema()) || ', pg_temp', true);

    CREATE FUNCTION audit_auditevent_create_partition(month_start date) RETURNS boolean
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
    DECLARE
        first_day date := make_date(
            extract(year FROM month_start)::int, extract(month FROM month_start)::int, 1);
        lo timestamptz := first_day::timestamp AT TIME ZONE 'UTC';
        hi timestamptz := (first_day + interval '1 month') AT TIME ZONE 'UTC';
        part text := 'audit_auditevent_p' || to_char(first_day, 'YYYY_MM');
        grantee_oid oid;
    BEGIN
        IF to_regclass(part) IS NOT NULL THEN
            RETURN false;
        END IF;
        IF EXISTS (SELECT 1 FROM audit_auditevent_default WHERE at >= lo AND at < hi) THEN
            RAISE WARNING 'audit rows of % are in the default partition: % not created',
                to_char(first_day, 'YYYY-MM'), part;
            RETURN false;
        END IF;
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_auditevent FOR VALUES FROM (%L) TO (%L)',
                       part, lo, hi);
        -- default privileges may have granted the application role rights on the new table:
        -- rows are reached only through the parent
        FOR grantee_oid IN
            SELECT DISTINCT a.grantee
            FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = to_regclass(part) AND a.grantee <> c.relowner
        LOOP
            IF grantee_oid = 0 THEN
                EXECUTE format('REVOKE ALL ON TABLE %I FROM PUBLIC', part);
            ELSE
                EXECUTE format('REVOKE ALL ON TABLE %I FROM %I', part, pg_get_userbyid(grantee_oid));
            END IF;
        END LOOP;
        RETURN true;
    END;
    $fn$;

    CREATE FUNCTION audit_auditevent_add_partitions(months_ahead integer)
    RETURNS TABLE (created integer, default_has_rows boolean)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
    DECLARE
        this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
        i integer;
    BEGIN
        IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 120 THEN
            RAISE EXCEPTION 'months_ahead must be between 0 and 120';
        END IF;
        -- one caller at a time (two workers, or the job and a deploy)
        PERFORM pg_advisory_xact_lock(hashtext('audit_auditevent_add_partitions'));
        created := 0;
        FOR i IN 0..months_ahead LOOP
            IF audit_auditevent_create_partition((this_month + make_interval(months => i))::date)
            THEN
                created := created + 1;
            END IF;
        END LOOP;
        default_has_rows := EXISTS (SELECT 1 FROM audit_auditevent_default);
        RETURN NEXT;
    END;
    $fn$;

    PERFORM set_config('search_path', previous, true);
END
$do$;
REVOKE ALL ON FUNCTION audit_auditevent_create_partition(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_auditevent_add_partitions(integer) FROM PUBLIC;
"""

FORWARD = [
    "ALTER TABLE audit_auditevent RENAME TO audit_auditevent_unpartitioned",
    "ALTER INDEX audit_auditevent_pkey RENAME TO audit_auditevent_unpartitioned_pkey",
    "ALTER SEQUENCE IF EXISTS audit_auditevent_id_seq RENAME TO audit_auditevent_unpartitioned_id_seq",
    """
    CREATE TABLE audit_auditevent (
        id bigint GENERATED BY DEFAULT AS IDENTITY,
        at timestamp with time zone NOT NULL,
        organisation varchar(500) NOT NULL,
        role varchar(200) NOT NULL,
        action varchar(20) NOT NULL,
        object_type varchar(50) NOT NULL,
        object_id varchar(50) NOT NULL,
        object_version integer NULL
            CONSTRAINT audit_auditevent_object_version_check CHECK (object_version >= 0),
        purpose varchar(20) NOT NULL,
        outcome varchar(10) NOT NULL,
        request_id varchar(64) NOT NULL,
        detail jsonb NOT NULL,
        resident_id bigint NULL,
        user_id bigint NULL,
        actor_name varchar(301) NOT NULL,
        CONSTRAINT audit_auditevent_pkey PRIMARY KEY (id, at)
    ) PARTITION BY RANGE (at)
    """,
    "CREATE TABLE audit_auditevent_default PARTITION OF audit_auditevent DEFAULT",
    "REVOKE ALL ON TABLE audit_auditevent_default FROM PUBLIC",
    FUNCTIONS,
    # the months of the existing rows, then this month and 24 ahead
    """
    SELECT audit_auditevent_create_partition(month::date)
    FROM generate_series(
        (SELECT date_trunc('month', min(at) AT TIME ZONE 'UTC') FROM audit_auditevent_unpartitioned),
        date_trunc('month', now() AT TIME ZONE 'UTC'),
        interval '1 month'
    ) AS month
    """,
    "SELECT * FROM audit_auditevent_add_partitions(24)",
    """
    INSERT INTO audit_auditevent (id, at, organisation, role, action, object_type, object_id,
        object_version, purpose, outcome, request_id, detail, resident_id, user_id, actor_name)
    SELECT id, at, organisation, role, action, object_type, object_id,
        object_version, purpose, outcome, request_id, detail, resident_id, user_id, actor_name
    FROM audit_auditevent_unpartitioned
    """,
    """
    SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'),
                  COALESCE((SELECT max(id) FROM audit_auditevent), 0) + 1, false)
    """,
    "DROP TABLE audit_auditevent_unpartitioned",
    # Django's names, so later migrations find them
    'CREATE INDEX "audit_auditevent_at_f461ba89" ON audit_auditevent (at)',
    'CREATE INDEX "audit_audit_residen_17d15a_idx" ON audit_auditevent (resident_id, at)',
    'CREATE INDEX "audit_auditevent_resident_id_2b656339" ON audit_auditevent (resident_id)',
    'CREATE INDEX "audit_auditevent_user_id_871f21a9" ON audit_auditevent (user_id)',
    """
    ALTER TABLE audit_auditevent
        ADD CONSTRAINT "audit_auditevent_resident_id_2b656339_fk_residents_resident_id"
        FOREIGN KEY (resident_id) REFERENCES residents_resident (id) DEFERRABLE INITIALLY DEFERRED
    """,
    """
    ALTER TABLE audit_auditevent
        ADD CONSTRAINT "audit_auditevent_user_id_871f21a9_fk_accounts_user_id"
        FOREIGN KEY (user_id) REFERENCES accounts_user (id) DEFERRABLE INITIALLY DEFERRED
    """,
    # a row trigger on the parent is cloned onto every partition, now and later
    """
    CREATE TRIGGER audit_auditevent_append_only
        BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
]

BACKWARD = [
    "ALTER TABLE audit_auditevent RENAME TO audit_auditevent_partitioned",
    "ALTER INDEX audit_auditevent_pkey RENAME TO audit_auditevent_partitioned_pkey",
    "ALTER SEQUENCE IF EXISTS audit_auditevent_id_seq RENAME TO audit_auditevent_partitioned_id_seq",
    'ALTER INDEX "audit_auditevent_at_f461ba89" RENAME TO audit_auditevent_partitioned_at',
    'ALTER INDEX "audit_audit_residen_17d15a_idx" RENAME TO audit_auditevent_partitioned_ra',
    'ALTER INDEX "audit_auditevent_resident_id_2b656339" RENAME TO audit_auditevent_partitioned_r',
    'ALTER INDEX "audit_auditevent_user_id_871f21a9" RENAME TO audit_auditevent_partitioned_u',
    """
    CREATE TABLE audit_auditevent (
        id bigint GENERATED BY DEFAULT AS IDENTITY
            CONSTRAINT audit_auditevent_pkey PRIMARY KEY,
        at timestamp with time zone NOT NULL,
        organisation varchar(500) NOT NULL,
        role varchar(200) NOT NULL,
        action varchar(20) NOT NULL,
        object_type varchar(50) NOT NULL,
        object_id varchar(50) NOT NULL,
        object_version integer NULL
            CONSTRAINT audit_auditevent_object_version_check CHECK (object_version >= 0),
        purpose varchar(20) NOT NULL,
        outcome varchar(10) NOT NULL,
        request_id varchar(64) NOT NULL,
        detail jsonb NOT NULL,
        resident_id bigint NULL,
        user_id bigint NULL,
        actor_name varchar(301) NOT NULL
    )
    """,
    """
    INSERT INTO audit_auditevent (id, at, organisation, role, action, object_type, object_id,
        object_version, purpose, outcome, request_id, detail, resident_id, user_id, actor_name)
    SELECT id, at, organisation, role, action, object_type, object_id,
        object_version, purpose, outcome, request_id, detail, resident_id, user_id, actor_name
    FROM audit_auditevent_partitioned
    """,
    """
    SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'),
                  COALESCE((SELECT max(id) FROM audit_auditevent), 0) + 1, false)
    """,
    "DROP TABLE audit_auditevent_partitioned",
    "DROP FUNCTION audit_auditevent_add_partitions(integer)",
    "DROP FUNCTION audit_auditevent_create_partition(date)",
    'CREATE INDEX "audit_auditevent_at_f461ba89" ON audit_auditevent (at)',
    'CREATE INDEX "audit_audit_residen_17d15a_idx" ON audit_auditevent (resident_id, at)',
    'CREATE INDEX "audit_auditevent_resident_id_2b656339" ON audit_auditevent (resident_id)',
    'CREATE INDEX "audit_auditevent_user_id_871f21a9" ON audit_auditevent (user_id)',
    """
    ALTER TABLE audit_auditevent
        ADD CONSTRAINT "audit_auditevent_resident_id_2b656339_fk_residents_resident_id"
        FOREIGN KEY (resident_id) REFERENCES residents_resident (id) DEFERRABLE INITIALLY DEFERRED
    """,
    """
    ALTER TABLE audit_auditevent
        ADD CONSTRAINT "audit_auditevent_user_id_871f21a9_fk_accounts_user_id"
        FOREIGN KEY (user_id) REFERENCES accounts_user (id) DEFERRABLE INITIALLY DEFERRED
    """,
    """
    CREATE TRIGGER audit_auditevent_append_only
        BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_auditevent_actor_name")]
    operations = [migrations.RunSQL(tuple(FORWARD), tuple(BACKWARD))]
