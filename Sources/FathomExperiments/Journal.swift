import FathomSearch
import FathomSpaces
import Foundation

/// Every accuracy and latency a job obtains, appended to `DIR/journal.jsonl` (and flushed to disk) before it is used.
///
/// A resumed job reads the journal back and answers the same questions from it, so a deterministic search replays to
/// the point where it was killed without measuring again, then goes on. Each line carries a checksum; a torn last
/// line (a kill in mid-write) is detected and dropped.
public final class Journal {
    struct Entry: Codable {
        /// `accuracy`, `score` (a ranking score other than the accuracy) or `latency`.
        let kind: String
        let arch: String
        let value: Double
        /// For latencies: `table`, `predicted` or `measured`, with its detail.
        let origin: String?
        let detail: String?
        let p10: Double?
        let p90: Double?
        let runs: Int?
        let upper: Double?
        let checksum: String

        var payload: String {
            [kind, arch, "\(value)", origin ?? "", detail ?? "", p10.map { "\($0)" } ?? "", p90.map { "\($0)" } ?? "",
             runs.map { "\($0)" } ?? "", upper.map { "\($0)" } ?? ""].joined(separator: "|")
        }
    }

    private let handle: FileHandle
    private var accuracies: [String: Double] = [:]
    private var scores: [String: Double] = [:]
    private var latencies: [String: LatencyEstimate] = [:]
    /// Entries read back from an earlier run of the job.
    public private(set) var replayed = 0
    /// Lines dropped as damaged when reading back.
    public private(set) var damagedLines = 0

    /// Opens (and reads back) the journal at `url`.
    public init(url: URL) throws {
        if let data = FileManager.default.contents(atPath: url.path) {
            let lines = data.split(separator: UInt8(ascii: "\n"))
            let entries = lines.map(Self.decode)
            for entry in entries {
                guard let entry else {
                    damagedLines += 1
                    continue
                }
                replayed += 1
                switch entry.kind {
                case "accuracy": accuracies[entry.arch] = entry.value
                case "score": scores[entry.arch] = entry.value
                default: latencies[entry.arch] = Self.estimate(entry)
                }
            }
            // Rewrite without damaged lines, so appends start on a clean line.
            if damagedLines > 0 {
                let good = zip(lines, entries).filter { $0.1 != nil }.map { Data($0.0) + Data("\n".utf8) }
                try RunDirectory.writeAtomically(Data(good.joined()), to: url)
            }
        } else {
            FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: url.path) else {
            throw ExperimentError.runDirectory(path: url.path, reason: "cannot open the journal for writing")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    /// A line's entry, or nil when it is not valid JSON or its checksum does not match.
    private static func decode(_ line: Data.SubSequence) -> Entry? {
        guard let entry = try? JSONDecoder().decode(Entry.self, from: line),
              String(ExperimentConfig.fnv1a(Data(entry.payload.utf8)), radix: 16) == entry.checksum else { return nil }
        return entry
    }

    func accuracy(_ key: String) -> Double? { accuracies[key] }
    func score(_ key: String) -> Double? { scores[key] }
    func latency(_ key: String) -> LatencyEstimate? { latencies[key] }

    func record(accuracy: Double, for key: String, durable: Bool) throws {
        try append(kind: "accuracy", arch: key, value: accuracy, estimate: nil, durable: durable)
        accuracies[key] = accuracy
    }

    func record(score: Double, for key: String, durable: Bool) throws {
        try append(kind: "score", arch: key, value: score, estimate: nil, durable: durable)
        scores[key] = score
    }

    func record(latency: LatencyEstimate, for key: String, durable: Bool) throws {
        try append(kind: "latency", arch: key, value: latency.ms, estimate: latency, durable: durable)
        latencies[key] = latency
    }

    /// Appends one entry; `durable` entries (answers that cost a measurement or a training) are flushed to disk before
    /// returning, while table look-ups, which a resumed job can repeat for free, are not.
    private func append(kind: String, arch: String, value: Double, estimate: LatencyEstimate?, durable: Bool) throws {
        let record = estimate.map(LatencyRecord.init)
        let (origin, detail, p10, p90, runs, upper) = (record?.origin, record?.detail, record?.p10, record?.p90, record?.runs, record?.upper)
        let draft = Entry(kind: kind, arch: arch, value: value, origin: origin, detail: detail, p10: p10, p90: p90, runs: runs, upper: upper, checksum: "")
        let entry = Entry(kind: kind, arch: arch, value: value, origin: origin, detail: detail, p10: p10, p90: p90, runs: runs, upper: upper,
                          checksum: String(ExperimentConfig.fnv1a(Data(draft.payload.utf8)), radix: 16))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            try handle.write(contentsOf: try encoder.encode(entry) + Data("\n".utf8))
            if durable { try handle.synchronize() }
        } catch {
            throw ExperimentError.runDirectory(path: "journal.jsonl", reason: "cannot append (\(error.localizedDescription)); entries written before are intact")
        }
    }

    private static func estimate(_ entry: Entry) -> LatencyEstimate {
        LatencyRecord(origin: entry.origin, detail: entry.detail, p10: entry.p10, p90: entry.p90, runs: entry.runs, upper: entry.upper)
            .estimate(ms: entry.value)
    }
}

/// An accuracy source that answers from the journal first and records every new answer before returning it.
final class JournaledAccuracySource: AccuracySource {
    let inner: any AccuracySource
    let journal: Journal
    let space: SearchSpace
    let onAnswer: (Architecture, Double, Bool) -> Void
    var id: String { inner.id }

    init(_ inner: any AccuracySource, journal: Journal, space: SearchSpace, onAnswer: @escaping (Architecture, Double, Bool) -> Void) {
        self.inner = inner
        self.journal = journal
        self.space = space
        self.onAnswer = onAnswer
    }

    func accuracy(of arch: Architecture) throws -> Double {
        let key = space.format(arch)
        if let value = journal.accuracy(key) {
            onAnswer(arch, value, true)
            return value
        }
        let value = try inner.accuracy(of: arch)
        try journal.record(accuracy: value, for: key, durable: !(inner is TableAccuracySource))
        onAnswer(arch, value, false)
        return value
    }

    var ranksByScore: Bool { inner.ranksByScore }

    /// The ranking score, from the journal or asked and recorded (a journal written before scores were recorded has
    /// none: the source is asked again).
    func rankingScore(of arch: Architecture) throws -> Double {
        let key = space.format(arch)
        if let value = journal.score(key) { return value }
        let value = try inner.rankingScore(of: arch)
        try journal.record(score: value, for: key, durable: !(inner is TableAccuracySource))
        return value
    }
}

/// A latency source that answers from the journal first and records every new answer before returning it.
final class JournaledLatencySource: LatencySource {
    let inner: any LatencySource
    let journal: Journal
    let space: SearchSpace
    /// Prepended to the journal key, so that one architecture's answers from two sources (the search's, the
    /// verification's) are kept apart.
    let keyPrefix: String
    var id: String { inner.id }
    var isCheap: Bool { inner.isCheap }

    init(_ inner: any LatencySource, journal: Journal, space: SearchSpace, keyPrefix: String = "") {
        self.inner = inner
        self.journal = journal
        self.space = space
        self.keyPrefix = keyPrefix
    }

    func latency(of arch: Architecture) throws -> LatencyEstimate {
        let key = keyPrefix + space.format(arch)
        if let value = journal.latency(key) { return value }
        let value = try inner.latency(of: arch)
        try journal.record(latency: value, for: key, durable: !inner.isCheap)
        return value
    }
}
