import FathomSearch
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The evaluations of one study, shared by the workers that run it (`fathom run CONFIG --out DIR --study STORE`), in an
/// SQLite file through GRDB (as Optuna shares a study through its RDB storage).
///
/// An evaluation is keyed by its source (the accuracy or latency source's id, with the measurement context) and the
/// architecture, so any job asking the same question of the same source gets the stored answer. Before a worker
/// evaluates, it claims the key in a transaction; a worker that finds the key claimed by a live worker waits for its
/// answer instead of evaluating again, and a claim left by a worker that died is taken over. So no evaluation is done
/// twice and none is lost. WAL mode and a busy timeout let many processes use the file at once.
public final class StudyStore {
    /// The store file.
    public let path: String
    /// This worker: `host:pid`.
    public let worker: String
    private let queue: DatabaseQueue
    /// How long to wait between looks at a key another worker is evaluating.
    var pollInterval: TimeInterval = 0.05
    /// A claim by a worker on another host is taken over after this long (one on this host, as soon as its process is gone).
    var staleAfter: TimeInterval = 3600

    /// Opens (or creates) the study store at `path`.
    public init(path: String) throws {
        self.path = path
        worker = "\(ProcessInfo.processInfo.hostName):\(getpid())"
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(60)
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS evaluation (
                        source TEXT NOT NULL,
                        arch TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('claimed', 'done')),
                        value REAL,
                        record TEXT,
                        worker TEXT NOT NULL,
                        updated_at REAL NOT NULL,
                        PRIMARY KEY (source, arch));
                    """)
            }
        } catch {
            throw ExperimentError.studyStore(path: path, reason: "cannot open it (\(error))")
        }
    }

    /// The answer for `arch` from `source`: the stored one, or (after waiting for a live worker evaluating it) one
    /// that `evaluate` makes here and stores for every worker.
    func answer(source: String, arch: String, evaluate: () throws -> (value: Double, record: String?)) throws -> (value: Double, record: String?) {
        if let stored = try answerOrClaim(source: source, arch: arch) { return stored }
        do {
            let answer = try evaluate()
            try complete(source: source, arch: arch, value: answer.value, record: answer.record)
            return answer
        } catch {
            release(source: source, arch: arch)
            throw error
        }
    }

    /// The stored answer for `arch` from `source`, waiting while another live worker evaluates it; nil when this worker
    /// now holds the claim and must evaluate it.
    private func answerOrClaim(source: String, arch: String) throws -> (value: Double, record: String?)? {
        while true {
            enum Look { case done(Double, String?), busy, mine }
            var look = Look.mine
            try access { queue in
                try queue.inTransaction(.immediate) { db in
                    let row = try Row.fetchOne(db, sql: "SELECT state, value, record, worker, updated_at FROM evaluation WHERE source = ? AND arch = ?",
                                               arguments: [source, arch])
                    if let row, row["state"] as String == "done", let value = row["value"] as Double? {
                        look = .done(value, row["record"])
                    } else if let row, row["worker"] as String != worker, isAlive(row["worker"], since: row["updated_at"]) {
                        look = .busy
                    } else {
                        try db.execute(sql: "INSERT OR REPLACE INTO evaluation (source, arch, state, worker, updated_at) VALUES (?, ?, 'claimed', ?, ?)",
                                       arguments: [source, arch, worker, Date().timeIntervalSince1970])
                    }
                    return .commit
                }
            }
            switch look {
            case .mine: return nil
            case let .done(value, record): return (value, record)
            case .busy: Thread.sleep(forTimeInterval: pollInterval)
            }
        }
    }

    /// Stores this worker's answer for a key it claimed.
    private func complete(source: String, arch: String, value: Double, record: String?) throws {
        try access { queue in
            try queue.write { db in
                try db.execute(sql: "UPDATE evaluation SET state = 'done', value = ?, record = ?, updated_at = ? WHERE source = ? AND arch = ?",
                               arguments: [value, record, Date().timeIntervalSince1970, source, arch])
            }
        }
    }

    /// Gives up this worker's claim (its evaluation failed), so another worker may try.
    private func release(source: String, arch: String) {
        _ = try? queue.write { db in
            try db.execute(sql: "DELETE FROM evaluation WHERE source = ? AND arch = ? AND worker = ? AND state = 'claimed'",
                           arguments: [source, arch, worker])
        }
    }

    /// Evaluations stored per worker (for reports and tests): `(worker, done)` pairs.
    public func evaluationsByWorker() throws -> [String: Int] {
        try access { queue in
            try queue.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT worker, COUNT(*) AS n FROM evaluation WHERE state = 'done' GROUP BY worker")
                return Dictionary(uniqueKeysWithValues: rows.map { ($0["worker"] as String, $0["n"] as Int) })
            }
        }
    }

    /// Whether the worker `host:pid` that claimed a key at `since` may still answer it.
    private func isAlive(_ claimant: String, since: Double) -> Bool {
        let parts = claimant.split(separator: ":")
        if parts.count == 2, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]) {
            return kill(pid, 0) == 0 || errno == EPERM
        }
        return Date().timeIntervalSince1970 - since < staleAfter
    }

    private func access<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        do { return try body(queue) } catch let error as DatabaseError {
            throw ExperimentError.studyStore(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }
}
