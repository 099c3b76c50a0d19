import PostgresNIO

/// The tables rednas keeps in a database, created and migrated by rednas itself (README, "Search
/// on a cluster", documents them). `rednas_schema_version` holds the version; each migration runs
/// in one transaction under an advisory lock, so concurrent first starts migrate once.
package enum PostgresSchema {
    /// The version this rednas writes and reads.
    package static let version = 3

    /// Migration `i` brings the schema from version i to i + 1.
    static let migrations: [[PostgresQuery]] = [
        [
            """
            CREATE TABLE rednas_searches (
                name text PRIMARY KEY,
                fingerprint text NOT NULL,
                config text NOT NULL,
                space text NOT NULL,
                lease_seconds double precision NOT NULL CHECK (lease_seconds > 0),
                max_attempts integer NOT NULL CHECK (max_attempts >= 1),
                state text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE rednas_candidates (
                search text NOT NULL REFERENCES rednas_searches (name) ON DELETE CASCADE,
                number integer NOT NULL,
                arch text NOT NULL,
                seed bigint NOT NULL,
                status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
                token bigint NOT NULL,
                worker text,
                lease_expires timestamptz,
                attempts integer NOT NULL,
                last_error text,
                history_number integer,
                PRIMARY KEY (search, number)
            )
            """,
            """
            CREATE TABLE rednas_log (
                search text NOT NULL REFERENCES rednas_searches (name) ON DELETE CASCADE,
                seq bigint NOT NULL,
                kind text NOT NULL,
                number integer,
                worker text,
                body text NOT NULL,
                crc32c bigint NOT NULL,
                at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (search, seq)
            )
            """,
            """
            CREATE TABLE rednas_artifacts (
                search text NOT NULL REFERENCES rednas_searches (name) ON DELETE CASCADE,
                number integer NOT NULL,
                name text NOT NULL,
                data bytea NOT NULL,
                crc32c bigint NOT NULL,
                PRIMARY KEY (search, number, name)
            )
            """,
            "CREATE SEQUENCE rednas_lease_tokens",
        ],
        // 2: `state` becomes a snapshot, the replay of the log up to `state_seq`, written now and
        // then (workers keep the state in memory and read only the log rows since). A version-1
        // state is not taken as a snapshot (state_seq 0: none yet): it was written by a rednas
        // that counted no epochs in it, so it differs from today's replay of the same log; the next
        // transaction on the search writes a snapshot. The index serves the expired-lease lookup
        // of a claim.
        [
            "ALTER TABLE rednas_searches ADD COLUMN state_seq bigint NOT NULL DEFAULT 0",
            "CREATE INDEX rednas_candidates_running ON rednas_candidates (search, lease_expires) WHERE status = 'running'",
        ],
        // 3: a worker's locked transaction takes the search's row lock and reads what it needs in
        // one round trip: a header row (the snapshot's `state_seq`, the count of running candidates
        // whose lease expired), then the log rows after `p_after`. A VOLATILE function reads with a
        // fresh snapshot after each statement, so the rows committed while it waited for the lock
        // are among them.
        [
            """
            CREATE FUNCTION rednas_lock_and_read(p_search text, p_after bigint)
            RETURNS TABLE (o_state_seq bigint, o_expired bigint, o_seq bigint, o_kind text, o_number integer,
                           o_worker text, o_body text, o_crc32c bigint)
            LANGUAGE plpgsql VOLATILE AS $fn$
            DECLARE
                v_state_seq bigint;
                v_expired bigint;
            BEGIN
                SELECT s.state_seq INTO v_state_seq FROM rednas_searches s WHERE s.name = p_search FOR UPDATE;
                IF NOT FOUND THEN RETURN; END IF;
                SELECT count(*) INTO v_expired FROM rednas_candidates c
                    WHERE c.search = p_search AND c.status = 'running' AND c.lease_expires < now();
                RETURN QUERY SELECT v_state_seq, v_expired, NULL::bigint, NULL::text, NULL::integer, NULL::text,
                                    NULL::text, NULL::bigint;
                RETURN QUERY SELECT v_state_seq, v_expired, l.seq, l.kind, l.number, l.worker, l.body, l.crc32c
                    FROM rednas_log l WHERE l.search = p_search AND l.seq > p_after ORDER BY l.seq;
            END
            $fn$
            """,
        ],
    ]

    /// Creates or migrates the tables to `version`.
    /// - Throws: `PostgresStoreError.schemaTooNew` when the database is ahead of this rednas.
    package static func migrate(_ link: PostgresLink) throws {
        try link.transaction { tx in
            try tx.query("SELECT pg_advisory_xact_lock(7271019)")
            try tx.query("CREATE TABLE IF NOT EXISTS rednas_schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
            var current = 0
            for row in try tx.query("SELECT max(version) FROM rednas_schema_version") {
                current = try row.decode(Int?.self) ?? 0
            }
            if current > version { throw PostgresStoreError.schemaTooNew(url: link.url.redacted, found: current, known: version) }
            for step in current..<version {
                for statement in migrations[step] { try tx.query(statement) }
                try tx.query("INSERT INTO rednas_schema_version (version) VALUES (\(step + 1))")
            }
        }
    }

    /// Migrates existing tables to `version` (for a worker joining a search); writes nothing to a
    /// database without them.
    /// - Throws: `PostgresStoreError.noSchema` when there are none, `.schemaTooNew` as `migrate`.
    package static func upgrade(_ link: PostgresLink) throws {
        let current = try installedVersion(link)
        if current < version { try migrate(link) }
        if current > version { throw PostgresStoreError.schemaTooNew(url: link.url.redacted, found: current, known: version) }
    }

    /// Checks, without writing, that the tables exist at a version this rednas reads.
    package static func check(_ link: PostgresLink) throws {
        let current = try installedVersion(link)
        if current < version { throw PostgresStoreError.schemaTooOld(url: link.url.redacted, found: current, known: version) }
        if current > version { throw PostgresStoreError.schemaTooNew(url: link.url.redacted, found: current, known: version) }
    }

    /// The schema version in the database; `noSchema` when it holds no rednas tables.
    private static func installedVersion(_ link: PostgresLink) throws -> Int {
        var exists = false
        for row in try link.query("SELECT to_regclass('rednas_schema_version') IS NOT NULL") { exists = try row.decode(Bool.self) }
        guard exists else { throw PostgresStoreError.noSchema(url: link.url.redacted) }
        var current = 0
        for row in try link.query("SELECT max(version) FROM rednas_schema_version") { current = try row.decode(Int?.self) ?? 0 }
        if current == 0 { throw PostgresStoreError.noSchema(url: link.url.redacted) }
        return current
    }
}
