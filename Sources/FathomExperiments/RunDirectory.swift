import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A job's output folder: an exclusive lock (two jobs cannot write one folder), a checkpoint with a checksum (and the
/// previous good one kept beside it), and the paths of the journal, event log, report and export.
public final class RunDirectory {
    public let url: URL
    private let lockDescriptor: Int32

    /// Creates the folder if needed and takes its lock, or throws if another job holds it or it cannot be written.
    public init(path: String) throws {
        url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ExperimentError.runDirectory(path: path, reason: "cannot create it (\(Self.reason(error, path: path)))")
        }
        lockDescriptor = open(url.appendingPathComponent(".lock").path, O_CREAT | O_RDWR, 0o644)
        guard lockDescriptor >= 0 else {
            throw ExperimentError.runDirectory(path: path, reason: "cannot write in it (\(String(cString: strerror(errno))))")
        }
        guard flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(lockDescriptor)
            throw ExperimentError.runDirectory(path: path, reason: "another fathom job is using it (its lock is held); wait for it or choose another --out")
        }
    }

    /// Why creating `path` failed, in words: the first ancestor that exists but is not a folder, else the error.
    private static func reason(_ error: Error, path: String) -> String {
        var url = URL(fileURLWithPath: path).deletingLastPathComponent()
        while url.path != "/" {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
                return isFolder.boolValue ? error.localizedDescription : "\(url.path) is a file, not a folder"
            }
            url.deleteLastPathComponent()
        }
        return error.localizedDescription
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    public var journal: URL { url.appendingPathComponent("journal.jsonl") }
    public var events: URL { url.appendingPathComponent("events.jsonl") }
    public var report: URL { url.appendingPathComponent("report") }
    public var exported: URL { url.appendingPathComponent("exported") }
    /// The supernet training run of a job that trains its own (`accuracy.train`).
    public var supernet: URL { url.appendingPathComponent("supernet") }
    var checkpoint: URL { url.appendingPathComponent("checkpoint.json") }
    var previousCheckpoint: URL { url.appendingPathComponent("checkpoint.prev.json") }

    /// Writes `data` to `url` atomically (a temporary file renamed over it), so a kill never leaves half a file.
    static func writeAtomically(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw ExperimentError.runDirectory(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ExperimentError.runDirectory(path: url.path, reason: "cannot write (\(error.localizedDescription)); nothing saved before was changed")
        }
    }
}

/// A checkpoint file: the encoded state and an FNV-1a checksum of exactly those bytes.
struct CheckpointFile<State: Codable>: Codable {
    let checksum: String
    let state: String

    init(_ state: State) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(state), as: UTF8.self)
        self.state = text
        self.checksum = String(ExperimentConfig.fnv1a(Data(text.utf8)), radix: 16)
    }

    /// The state, or nil when the file is damaged (bad JSON or a checksum mismatch).
    static func read(_ url: URL) -> State? {
        guard let data = FileManager.default.contents(atPath: url.path),
              let file = try? JSONDecoder().decode(CheckpointFile.self, from: data),
              String(ExperimentConfig.fnv1a(Data(file.state.utf8)), radix: 16) == file.checksum else { return nil }
        return try? JSONDecoder().decode(State.self, from: Data(file.state.utf8))
    }
}

extension RunDirectory {
    /// Saves a checkpoint, keeping the previous good one as `checkpoint.prev.json`.
    func save<State: Codable>(_ state: State) throws {
        if FileManager.default.fileExists(atPath: checkpoint.path), CheckpointFile<State>.read(checkpoint) != nil {
            try? FileManager.default.removeItem(at: previousCheckpoint)
            try? FileManager.default.copyItem(at: checkpoint, to: previousCheckpoint)
        }
        try Self.writeAtomically(try JSONEncoder().encode(CheckpointFile(state)), to: checkpoint)
    }

    /// The latest good checkpoint; `damaged` is true when the newest file was corrupt and the previous one was used.
    func load<State: Codable>(_ type: State.Type) -> (state: State?, damaged: Bool) {
        if let state = CheckpointFile<State>.read(checkpoint) { return (state, false) }
        let exists = FileManager.default.fileExists(atPath: checkpoint.path)
        return (CheckpointFile<State>.read(previousCheckpoint), exists)
    }
}
