import Foundation
import GRDB

/// A device as the store knows it.
public struct StoredDevice: Equatable, Sendable {
    public let id: String
    public let fingerprint: DeviceFingerprint
    /// The latest calibration seen.
    public let calibration: Calibration
    public let firstSeen: Date
    public let lastSeen: Date
    /// Measurements stored for it.
    public let measurements: Int
}

extension MeasurementStore {
    /// Adds `device` or updates its calibration and last-seen time.
    public func register(_ device: DeviceReport) throws {
        let now = Date().timeIntervalSince1970
        let fingerprint = try Self.json(device.fingerprint), calibration = try Self.json(device.calibration)
        try access { try $0.write { db in
            try db.execute(sql: """
                INSERT INTO device (id, fingerprint, calibration, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET calibration = excluded.calibration, last_seen = excluded.last_seen
                """, arguments: [device.id, fingerprint, calibration, now, now])
        } }
    }

    /// Every device, by id.
    public func devices() throws -> [StoredDevice] {
        try access { try $0.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.*, (SELECT COUNT(*) FROM measurement m WHERE m.device_id = d.id) AS count FROM device d ORDER BY d.id
                """).map { row in
                StoredDevice(id: row["id"], fingerprint: try Self.decode(row["fingerprint"]), calibration: try Self.decode(row["calibration"]),
                             firstSeen: Date(timeIntervalSince1970: row["first_seen"]), lastSeen: Date(timeIntervalSince1970: row["last_seen"]),
                             measurements: row["count"])
            }
        } }
    }

    /// The device `id`, or an error listing the devices the store has.
    public func device(_ id: String) throws -> StoredDevice {
        let all = try devices()
        guard let device = all.first(where: { $0.id == id }) else { throw MeasureError.unknownDevice(id: id, known: all.map(\.id)) }
        return device
    }

    /// Stores `measurement` (and its layer rows) in one transaction; its device must be registered.
    public func save(_ m: NetworkMeasurement) throws {
        let calibration = try Self.json(m.calibration)
        try access { try $0.write { db in
            let s = m.summary, c = m.context
            try db.execute(sql: """
                INSERT INTO measurement (device_id, space, arch, batch, threads, dead_edges, kernel_build, median_ms, p10_ms, p90_ms,
                    ci_low_ms, ci_high_ms, runs, outliers, converged, seconds, calibration, measured_at, profile_runs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [m.device, m.space, m.arch, c.batch, c.threads, c.deadEdges, c.kernelBuild, s.medianMs, s.p10Ms, s.p90Ms,
                                 s.ciLowMs, s.ciHighMs, s.runs, s.outliers, m.converged, m.seconds, calibration,
                                 m.measuredAt.timeIntervalSince1970, m.profile?.runs])
            let id = db.lastInsertedRowID
            for (position, layer) in (m.profile?.layers ?? []).enumerated() {
                try db.execute(sql: "INSERT INTO layer_timing VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [id, position, layer.name, layer.op, layer.medianMs, layer.p10Ms, layer.p90Ms])
            }
        } }
    }

    /// The newest measurement of `arch` on `device` in `context` (with a profile when `withProfile`), or nil.
    public func latest(device: String, space: String, arch: String, context: MeasurementContext, withProfile: Bool = false) throws -> NetworkMeasurement? {
        try access { try $0.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT * FROM measurement WHERE device_id = ? AND space = ? AND arch = ? AND batch = ? AND threads = ? AND dead_edges = ?
                AND kernel_build = ? AND (? = 0 OR profile_runs IS NOT NULL) ORDER BY measured_at DESC, id DESC LIMIT 1
                """, arguments: [device, space, arch, context.batch, context.threads, context.deadEdges, context.kernelBuild, withProfile])
            return try row.map { try Self.measurement($0, db: db) }
        } }
    }

    /// The newest measurement of each architecture of `space` on `device`, in every context (oldest arch first).
    public func measurements(device: String, space: String) throws -> [NetworkMeasurement] {
        try access { try $0.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM measurement m WHERE device_id = ? AND space = ? AND id = (SELECT n.id FROM measurement n
                    WHERE n.device_id = m.device_id AND n.space = m.space AND n.arch = m.arch AND n.batch = m.batch AND n.threads = m.threads
                    AND n.dead_edges = m.dead_edges AND n.kernel_build = m.kernel_build ORDER BY n.measured_at DESC, n.id DESC LIMIT 1)
                ORDER BY id
                """, arguments: [device, space]).map { try Self.measurement($0, db: db) }
        } }
    }

    private static func measurement(_ row: Row, db: Database) throws -> NetworkMeasurement {
        let summary = TimingSummary(runs: row["runs"], medianMs: row["median_ms"], p10Ms: row["p10_ms"], p90Ms: row["p90_ms"],
                                    ciLowMs: row["ci_low_ms"], ciHighMs: row["ci_high_ms"], outliers: row["outliers"])
        let context = MeasurementContext(batch: row["batch"], threads: row["threads"], keepsDeadEdges: row["dead_edges"] == "kept",
                                         kernelBuild: row["kernel_build"])
        var profile: LayerProfile?
        if let runs: Int = row["profile_runs"] {
            let layers = try Row.fetchAll(db, sql: "SELECT * FROM layer_timing WHERE measurement_id = ? ORDER BY position",
                                          arguments: [row["id"] as Int64]).map {
                LayerTiming(name: $0["name"], op: $0["op"], medianMs: $0["median_ms"], p10Ms: $0["p10_ms"], p90Ms: $0["p90_ms"])
            }
            profile = LayerProfile(layers: layers, runs: runs, networkMs: summary.medianMs)
        }
        return NetworkMeasurement(space: row["space"], arch: row["arch"], device: row["device_id"], context: context, summary: summary,
                                  converged: row["converged"], seconds: row["seconds"], calibration: try decode(row["calibration"]),
                                  measuredAt: Date(timeIntervalSince1970: row["measured_at"]), profile: profile)
    }

    private static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func decode<T: Decodable>(_ text: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
