import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The job's voice: JSON lines in `DIR/events.jsonl` for programs, and a progress line on the terminal for people
/// (rewritten in place on a terminal; plain lines at phase changes and every tenth of the work otherwise).
public final class EventLog {
    private let handle: FileHandle
    private let interactive: Bool
    private var lastPlainDecile = -1
    private let started = Date()

    /// Appends to `url` (created if needed).
    public init(url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) { FileManager.default.createFile(atPath: url.path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: url.path) else {
            throw ExperimentError.runDirectory(path: url.path, reason: "cannot open the event log for writing")
        }
        handle.seekToEndOfFile()
        self.handle = handle
        interactive = isatty(STDERR_FILENO) == 1
    }

    /// Writes one event line: `{"event": name, "time": ISO 8601, …fields}`.
    public func emit(_ name: String, _ fields: [String: JSONField] = [:]) {
        var object = fields
        object["event"] = .string(name)
        object["time"] = .string(ISO8601DateFormatter().string(from: Date()))
        let line = "{" + object.keys.sorted().map { "\"\($0)\":\(object[$0]!.json)" }.joined(separator: ",") + "}\n"
        handle.write(Data(line.utf8))
    }

    /// Shows a phase change on the terminal.
    public func phase(_ text: String) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        FileHandle.standardError.write(Data("[\(elapsed)] \(text)\n".utf8))
        lastPlainDecile = -1
    }

    /// Shows progress `done` of `total` with a detail (best so far) and an ETA.
    public func progress(_ phase: String, done: Int, total: Int, detail: String) {
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let seconds = Date().timeIntervalSince(started)
        let eta = fraction > 0 && fraction < 1 ? String(format: ", ETA %.0fs", seconds / fraction * (1 - fraction)) : ""
        let text = "\(phase) \(done)/\(total) \(detail)\(eta)"
        if interactive {
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(elapsed)] \(text)".utf8))
        } else if Int(fraction * 10) > lastPlainDecile {
            lastPlainDecile = Int(fraction * 10)
            FileHandle.standardError.write(Data("[\(elapsed)] \(text)\n".utf8))
        }
    }

    private var elapsed: String { String(format: "%6.1fs", Date().timeIntervalSince(started)) }
}

/// A value in an event line.
public enum JSONField: Sendable {
    case string(String)
    case number(Double)
    case int(Int)
    case bool(Bool)

    var json: String {
        switch self {
        case let .string(s):
            let data = try? JSONEncoder().encode(s)
            return data.map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        case let .number(n): return n.isFinite ? "\(n)" : "null"
        case let .int(i): return "\(i)"
        case let .bool(b): return "\(b)"
        }
    }
}
