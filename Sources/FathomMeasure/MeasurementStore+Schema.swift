import GRDB

extension MeasurementStore {
    /// The store's schema, one registered migration per version, applied in order on open (GRDB's migrator records
    /// which ones ran in `grdb_migrations`). Never edit a shipped migration: add the next one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE device (
                    id TEXT PRIMARY KEY NOT NULL,
                    fingerprint TEXT NOT NULL,
                    calibration TEXT NOT NULL,
                    first_seen REAL NOT NULL,
                    last_seen REAL NOT NULL);
                CREATE TABLE measurement (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    device_id TEXT NOT NULL REFERENCES device(id),
                    space TEXT NOT NULL,
                    arch TEXT NOT NULL,
                    batch INTEGER NOT NULL,
                    threads INTEGER NOT NULL,
                    dead_edges TEXT NOT NULL CHECK (dead_edges IN ('kept', 'dropped')),
                    kernel_build TEXT NOT NULL,
                    median_ms REAL NOT NULL,
                    p10_ms REAL NOT NULL,
                    p90_ms REAL NOT NULL,
                    ci_low_ms REAL NOT NULL,
                    ci_high_ms REAL NOT NULL,
                    runs INTEGER NOT NULL,
                    outliers INTEGER NOT NULL,
                    converged INTEGER NOT NULL,
                    seconds REAL NOT NULL,
                    calibration TEXT NOT NULL,
                    measured_at REAL NOT NULL,
                    profile_runs INTEGER);
                CREATE INDEX measurement_lookup ON measurement(device_id, space, batch, threads, dead_edges, kernel_build, arch, measured_at);
                CREATE TABLE layer_timing (
                    measurement_id INTEGER NOT NULL REFERENCES measurement(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    op TEXT NOT NULL,
                    median_ms REAL NOT NULL,
                    p10_ms REAL NOT NULL,
                    p90_ms REAL NOT NULL,
                    PRIMARY KEY (measurement_id, position));
                """)
        }
        return migrator
    }
}
