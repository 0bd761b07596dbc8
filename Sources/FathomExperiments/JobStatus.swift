import Foundation

/// A summary of a running or finished job read from its directory without taking its lock (`fathom status DIR`).
public struct JobStatus: Encodable, Sendable {
    public let directory: String
    public let phase: String
    public let running: Bool
    public let queries: Int
    public let best_accuracy: Double?
    public let answer: String?
    public let budget_ms: Double?
    public let last_event: String?
    public let exported: [String]

    /// Reads `path`; throws when it is not a Fathom run directory.
    public init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let events = url.appendingPathComponent("events.jsonl")
        guard let data = FileManager.default.contents(atPath: events.path) else {
            throw ExperimentError.runDirectory(path: path, reason: "not a Fathom run directory (no events.jsonl)")
        }
        let lines = data.split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
        }
        let state = RunDirectory.readState(in: url)
        directory = path
        phase = state?.phase ?? "started"
        running = Self.isLocked(url.appendingPathComponent(".lock"))
        // Queries of the latest attempt only (a resumed job replays the earlier ones silently).
        let queryEvents = lines.filter { $0["event"] as? String == "query" }
        queries = queryEvents.compactMap { $0["n"] as? Int }.max() ?? 0
        best_accuracy = queryEvents.compactMap { $0["accuracy"] as? Double }.max()
        answer = state?.answerArch
        budget_ms = state?.budgetMs
        last_event = lines.last.flatMap { $0["event"] as? String }
        exported = ((try? FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent("exported").path)) ?? []).sorted()
    }

    private static func isLocked(_ url: URL) -> Bool {
        let descriptor = open(url.path, O_RDWR)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return true
    }
}

extension RunDirectory {
    /// The latest good checkpoint of a run directory, read without its lock.
    static func readState(in url: URL) -> ExperimentJob.State? {
        CheckpointFile<ExperimentJob.State>.read(url.appendingPathComponent("checkpoint.json"))
            ?? CheckpointFile<ExperimentJob.State>.read(url.appendingPathComponent("checkpoint.prev.json"))
    }
}
