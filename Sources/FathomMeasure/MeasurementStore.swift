import FathomSpaces
import Foundation
import GRDB

/// Every measurement ever taken, with its device, context and time, in an SQLite file (through GRDB).
///
/// SQLite gives what the store needs without a file format of Fathom's own: each save is one transaction, so a process
/// killed at any moment leaves either the whole measurement or none of it; WAL mode lets readers run beside a writer;
/// and a busy timeout makes a second process wait for the write lock instead of failing, so two processes can write
/// at once and nothing is lost. The schema is versioned by migrations (`MeasurementStore+Schema.swift`).
public final class MeasurementStore: Sendable {
    /// The store file.
    public let path: String
    let queue: DatabaseQueue

    /// How long a writer waits for another process's write lock before giving up.
    public static let busyTimeout: TimeInterval = 60

    /// Where the store lives: `--store PATH` if given, else `$FATHOM_STORE`, else
    /// `device-measurements/local/fathom.sqlite` in the project.
    public static func location(option: String?) throws -> String {
        if let option, !option.isEmpty { return option }
        if let variable = ProcessInfo.processInfo.environment["FATHOM_STORE"], !variable.isEmpty { return variable }
        return try ProjectFiles.url("device-measurements/local/fathom.sqlite").path
    }

    /// Opens (or creates) the store at `path`, checks its integrity and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw MeasureError.storeUnavailable(path: path, reason: "cannot create \(folder.path): \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(Self.busyTimeout)
        // Processes open the store one at a time (an advisory lock on `<path>.lock`, released when the store is open).
        // GRDB's migrator reads the applied migrations before it opens each migration's transaction, so two processes
        // opening a new store at once could both try to apply one ("table already exists"), or deadlock between their
        // reads and writes, which SQLite fails as busy without waiting (seen once in CI as "database is locked").
        let opening = try MachineLock(path: path + ".lock")
        defer { withExtendedLifetime(opening) {} }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let check = try queue.read { try String.fetchAll($0, sql: "PRAGMA quick_check") }
            guard check == ["ok"] else { throw MeasureError.corruptStore(path: path, reason: check.prefix(3).joined(separator: "; ")) }
            try Self.migrator.migrate(queue)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Runs `body` on the database, turning SQLite errors into `MeasureError`s that name the file.
    func access<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        do { return try body(queue) } catch { throw Self.storeError(error, path: path) }
    }

    private static func storeError(_ error: Error, path: String) -> Error {
        guard let error = error as? DatabaseError else { return error }
        let reason = error.message ?? "\(error.resultCode)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return MeasureError.corruptStore(path: path, reason: reason)
        default: return MeasureError.storeUnavailable(path: path, reason: reason)
        }
    }
}
