import Foundation

/// Appends one JSON object per line to `events.jsonl` in a run directory (`event`, `time`, and the given fields).
public final class EventWriter {
    private let handle: FileHandle

    /// Opens (or creates) `url` for appending.
    public init(url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: url.path) else { throw NNError.writeFailed(path: url.path, detail: "cannot open for appending") }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    /// Writes `{"event": name, "time": …, fields…}`.
    public func emit(_ name: String, _ fields: [String: Any] = [:]) {
        var object = fields
        object["event"] = name
        object["time"] = ISO8601DateFormatter().string(from: Date())
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        handle.write(data + Data("\n".utf8))
    }
}
