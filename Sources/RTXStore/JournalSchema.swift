/// The journal's schema, as migrations. Append-only: a released migration never changes;
/// a change is a new version at the end.
enum JournalSchema {
    /// Advisory lock key taken by every append ("RTX_JRNL"): one appender at a time per database.
    static let appendLockKey: Int64 = 0x5254_585F_4A52_4E4C

    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 1, name: "journal and snapshots", sql: """
            CREATE TABLE rtx_journal (
                seq bigint PRIMARY KEY CHECK (seq > 0),
                time_ns bigint NOT NULL,
                format smallint NOT NULL CHECK (format >= 0),
                command bytea NOT NULL,
                meta bytea NOT NULL);

            CREATE TABLE rtx_snapshots (
                seq bigint PRIMARY KEY CHECK (seq > 0),
                hash bytea NOT NULL,
                format smallint NOT NULL CHECK (format >= 0),
                bytes bytea NOT NULL,
                saved_at timestamptz NOT NULL DEFAULT now());
            -- Snapshots are large and already dense: store them out of line, uncompressed.
            ALTER TABLE rtx_snapshots ALTER COLUMN bytes SET STORAGE EXTERNAL;

            -- Appends one contiguous batch in one statement (so one round trip and, in
            -- autocommit, one transaction). Refuses a batch that does not start right after
            -- the journal's last sequence (RX001) or is not contiguous (RX002); the primary
            -- key refuses duplicates (23505). Forces synchronous_commit = on for the session,
            -- so the commit that follows waits for the WAL flush. Returns the new last sequence.
            CREATE FUNCTION rtx_journal_append(p_seq bigint[], p_time_ns bigint[], p_format smallint[],
                                               p_command bytea[], p_meta bytea[])
            RETURNS bigint LANGUAGE plpgsql AS $fn$
            DECLARE
                n integer := coalesce(cardinality(p_seq), 0);
                last_seq bigint;
                lo bigint;
                hi bigint;
            BEGIN
                IF n = 0 THEN
                    RAISE EXCEPTION 'empty journal batch' USING ERRCODE = 'RX002';
                END IF;
                IF cardinality(p_time_ns) <> n OR cardinality(p_format) <> n
                   OR cardinality(p_command) <> n OR cardinality(p_meta) <> n THEN
                    RAISE EXCEPTION 'journal batch columns differ in length' USING ERRCODE = 'RX002';
                END IF;
                SELECT min(s), max(s) INTO lo, hi FROM unnest(p_seq) AS s;
                IF lo <> p_seq[1] OR hi <> p_seq[1] + n - 1 THEN
                    RAISE EXCEPTION 'journal batch %...% is not contiguous', p_seq[1], p_seq[n]
                        USING ERRCODE = 'RX002';
                END IF;
                PERFORM set_config('synchronous_commit', 'on', false);
                PERFORM pg_advisory_xact_lock(\(appendLockKey));
                SELECT coalesce(max(seq), 0) INTO last_seq FROM rtx_journal;
                IF p_seq[1] <> last_seq + 1 THEN
                    RAISE EXCEPTION 'journal batch starts at % but the journal ends at %', p_seq[1], last_seq
                        USING ERRCODE = 'RX001', DETAIL = last_seq::text;
                END IF;
                INSERT INTO rtx_journal (seq, time_ns, format, command, meta)
                    SELECT * FROM unnest(p_seq, p_time_ns, p_format, p_command, p_meta);
                RETURN last_seq + n;
            END
            $fn$;
            """),
    ]
}
