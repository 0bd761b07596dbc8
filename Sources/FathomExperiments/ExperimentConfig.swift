import FathomNN
import FathomSearch
import FathomSpaces
import Foundation

/// An experiment config file (`experiments/*.json`, schema `"fathom": 1`, documented in `experiments/README.md`).
///
/// Validation runs before any work and reports every problem at once, each with its key path
/// (`search.budget.ms: expected a positive number, got -3`).
public struct ExperimentConfig: Sendable {
    public let file: String
    public let name: String
    public let space: String
    /// `accuracy.source`: a table or a trained supernet; nil when the job trains its own (`accuracy.train`).
    public let accuracySource: String?
    /// `accuracy.train`: the supernet training config (absolute path) the job trains into `DIR/supernet` and then
    /// scores with.
    public let supernetTraining: String?
    /// `latency.source`; nil when the job adapts a predictor to this device itself (`latency.adapt`).
    public let latencySource: String?
    /// `latency.adapt`: a meta-trained latency model (absolute path) the job adapts to the measuring device from
    /// `adaptSamples` measurements, into `DIR/adapted.json`, and then predicts with.
    public let adaptModel: String?
    /// `latency.samples`: architectures measured for that adaptation, the model's references included.
    public let adaptSamples: Int
    /// `latency.verify`: the ground truth that verifies the answer (nil: ``SourceFactory/verificationSource(_:latency:)``'s default).
    public let verifySource: String?
    /// `latency.borderline` (a fraction of the budget) or `latency.borderline_spread` (a number of the prediction's
    /// standard deviations): with a predictor (`predictor:` or `adapt`), predictions this near the budget are checked
    /// on the verification ground truth during the search (``BorderlineCheckedLatencySource``).
    public let borderline: BorderlineCheckedLatencySource.Band?
    /// `latency.agent`, `latency.batch`, `latency.threads`: where and how `measure` times (nil threads: all cores).
    public let agentCommand: String?
    public let batch: Int
    public let threads: Int?
    public let strategy: String
    public let queries: Int
    public let seed: UInt64
    public let budget: BudgetSpec
    /// `search.budget.sample`: how many seeded architectures a percentile budget is taken over when the latency
    /// source is not a table (nil: 30 measured, 1000 predicted).
    public let budgetSample: Int?
    public let strict: Bool
    public let maxParamsM: Double?
    public let maxFlopsM: Double?
    public let exportName: String
    /// FNV-1a hash of the file's bytes: a run directory belongs to exactly one config.
    public let hash: String

    /// The schema version this code reads.
    public static let schemaVersion = 1

    /// Reads and validates `path`; relative paths inside sources resolve against the config file's folder.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw SpaceError.unreadableFile(path: path) }
        try self.init(data: data, file: path, directory: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// Reads and validates config text; `directory` anchors relative paths.
    public init(data: Data, file: String, directory: URL) throws {
        var problems: [String] = []
        func check<T>(_ body: () throws -> T) -> T? {
            do { return try body() } catch { problems.append("\(error)"); return nil }
        }
        let root = try JSONObjectReader(try JSONValue.parse(data, file: file), file: file)
        _ = check { () throws -> Int in
            let version = try root.int("fathom")
            guard version == Self.schemaVersion else {
                throw SpaceError.invalidValue(file: file, key: "fathom", expected: "\(Self.schemaVersion)", got: "\(version)")
            }
            return version
        }
        let name = check { try root.string("name") }
        let space = check { () throws -> String in
            let text = try root.string("space")
            if SearchSpace.builtInNames.contains(text) { return text }
            return directory.appendingPathComponent(text).standardizedFileURL.path
        }
        /// A source string of `section` whose kind is one of `kinds`, with its paths made absolute.
        func source(_ section: JSONObjectReader, _ key: String, kinds: Set<String>, allowed: String) throws -> String {
            let text = try section.string(key)
            guard let spec = try? SourceSpec(text, option: key), kinds.contains(spec.kind) else { throw section.mismatch(key, allowed, .string(text)) }
            return Self.resolvingPaths(in: text, against: directory)
        }
        var accuracy: (source: String?, training: String?)?
        if let section = check({ try root.object("accuracy") }) {
            accuracy = check { try Self.readAccuracy(section, space: space, directory: directory, source: source) }
            _ = check { try section.finish() }
        }
        var latency: (source: String?, adapt: String?)?, samples: Int?, verify: String??, borderline: BorderlineCheckedLatencySource.Band??, agent: String??, batch: Int?, threads: Int??
        if let section = check({ try root.object("latency") }) {
            latency = check { () throws -> (String?, String?) in
                switch (section.has("source"), section.has("adapt")) {
                case (true, false):
                    return (try source(section, "source", kinds: ["table", "predictor", "measure"], allowed: "table:PATH:COLUMN, predictor:MODEL.json or measure"), nil)
                case (false, true):
                    return (nil, try Self.existingFile(section, "adapt", directory: directory, expected: "a meta-trained model file (fathom predictor meta-train)"))
                default:
                    throw SpaceError.invalidValue(file: section.file, key: section.path, expected: "exactly one of \"source\" or \"adapt\"",
                                                  got: "an object with \(section.has("source") ? "both" : "neither")")
                }
            }
            samples = check { () throws -> Int in
                guard section.has("adapt") || !section.has("samples") else {
                    throw SpaceError.invalidValue(file: section.file, key: section.path + ".samples", expected: "no value unless latency.adapt is given", got: "a value")
                }
                return try section.int("samples", default: 10, in: 2...10_000)
            }
            verify = check { section.has("verify") ? try source(section, "verify", kinds: ["table", "measure"], allowed: "measure or table:PATH:COLUMN") : nil }
            borderline = check { () throws -> BorderlineCheckedLatencySource.Band? in
                let keys = ["borderline", "borderline_spread"].filter(section.has)
                guard let key = keys.first else { return nil }
                guard keys.count == 1 else {
                    throw SpaceError.invalidValue(file: section.file, key: section.path + ".borderline_spread",
                                                  expected: "no value beside latency.borderline (one band or the other)", got: "both")
                }
                let predicted = section.has("adapt") || (try? section.string("source"))?.hasPrefix("predictor:") == true
                guard predicted else {
                    throw SpaceError.invalidValue(file: section.file, key: section.path + "." + key,
                                                  expected: "no value unless the latency is a predictor (predictor:MODEL.json or adapt)", got: "a value")
                }
                let value = try section.positiveDouble(key)
                if key == "borderline_spread" { return .spreads(value) }
                guard value < 1 else { throw section.mismatch("borderline", "a fraction of the budget below 1", .number(value)) }
                return .fraction(value)
            }
            agent = check { try section.optionalString("agent") }
            batch = check { try section.int("batch", default: 1, in: 1...4096) }
            threads = check { section.has("threads") ? try section.int("threads", in: 1...1024) : nil }
            _ = check { try section.finish() }
        }
        var strategy: String?, queries: Int?, seed: Int?, budget: (BudgetSpec, Int?)?, strict: Bool?, maxParams: Double??, maxFlops: Double??
        if let search = check({ try root.object("search") }) {
            strategy = check { () throws -> String in
                let value = try search.string("strategy")
                guard SearchStrategies.names.contains(value) else {
                    throw search.mismatch("strategy", "one of \(SearchStrategies.names.joined(separator: ", "))", .string(value))
                }
                return value
            }
            queries = check { try search.int("queries", in: 1...1_000_000) }
            seed = check { try search.int("seed", default: 0, in: 0...Int.max) }
            strict = check { try search.bool("strict", default: false) }
            budget = check { try Self.readBudget(search) }
            maxParams = check { search.has("max_params_m") ? try search.positiveDouble("max_params_m") : nil }
            maxFlops = check { search.has("max_flops_m") ? try search.positiveDouble("max_flops_m") : nil }
            _ = check { try search.finish() }
        }
        let exportName = check { () throws -> String in
            guard root.has("export") else { return name ?? "answer" }
            let export = try root.object("export")
            let value = try export.optionalString("name") ?? name ?? "answer"
            guard !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw export.mismatch("name", "a file name of letters, digits, '-', '_' or '.'", .string(value))
            }
            try export.finish()
            return value
        }
        _ = check { try root.finish() }
        guard problems.isEmpty, let name, let space, let accuracy, let latency, let samples, let verify, let borderline, let agent, let batch, let threads, let strategy,
              let queries, let seed, let budget, let strict, let maxParams, let maxFlops, let exportName else {
            throw ExperimentError.invalidConfig(file: file, problems: problems)
        }
        self.file = file
        self.name = name
        self.space = space
        self.accuracySource = accuracy.source
        self.supernetTraining = accuracy.training
        self.latencySource = latency.source
        self.adaptModel = latency.adapt
        self.adaptSamples = samples
        self.verifySource = verify
        self.borderline = borderline
        self.agentCommand = agent
        self.batch = batch
        self.threads = threads
        self.strategy = strategy
        self.queries = queries
        self.seed = UInt64(seed)
        self.budget = budget.0
        self.budgetSample = budget.1
        self.strict = strict
        self.maxParamsM = maxParams
        self.maxFlopsM = maxFlops
        self.exportName = exportName
        self.hash = String(Self.fnv1a(data), radix: 16)
    }

    /// `{"source": "table:PATH:COLUMN" | "supernet:DIR" | "supernet-accuracy:DIR"}` or `{"train": "SUPERNET_CONFIG.json"}`; a
    /// training config is read (every problem in it reported) and must train the experiment's space.
    private static func readAccuracy(
        _ section: JSONObjectReader, space: String?, directory: URL,
        source: (JSONObjectReader, String, Set<String>, String) throws -> String
    ) throws -> (source: String?, training: String?) {
        switch (section.has("source"), section.has("train")) {
        case (true, false):
            return (try source(section, "source", ["table", "supernet", "supernet-accuracy"], "table:PATH:COLUMN, supernet:DIR or supernet-accuracy:DIR"), nil)
        case (false, true):
            let path = try existingFile(section, "train", directory: directory, expected: "a supernet training config file")
            let training = try TrainingConfig(path: path)
            if let space, training.space != space {
                throw section.mismatch("train", "a config that trains the experiment's space \(space) (it trains \(training.space))", .string(try section.string("train")))
            }
            return (nil, path)
        default:
            throw SpaceError.invalidValue(file: section.file, key: section.path, expected: "exactly one of \"source\" or \"train\"",
                                          got: "an object with \(section.has("source") ? "both" : "neither")")
        }
    }

    /// The absolute path of the file that `key` names (relative to `directory`), which must exist.
    private static func existingFile(_ section: JSONObjectReader, _ key: String, directory: URL, expected: String) throws -> String {
        let text = try section.string(key)
        let path = text.hasPrefix("/") ? text : directory.appendingPathComponent(text).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path) else { throw section.mismatch(key, expected, .string(text)) }
        return path
    }

    /// `{"ms": 2.5}` or `{"percentile": 50}` (with an optional `"sample": N`), and the sample size if given.
    private static func readBudget(_ search: JSONObjectReader) throws -> (BudgetSpec, Int?) {
        let budget = try search.object("budget")
        defer { _ = try? budget.finish() }
        switch (budget.has("ms"), budget.has("percentile")) {
        case (true, false):
            let ms = try budget.positiveDouble("ms")
            try budget.finish()
            return (.milliseconds(ms), nil)
        case (false, true):
            let p = try budget.double("percentile", in: 0.001...99.999)
            let sample = budget.has("sample") ? try budget.int("sample", in: 2...100_000) : nil
            try budget.finish()
            return (.percentile(p), sample)
        default:
            throw SpaceError.invalidValue(file: budget.file, key: budget.path, expected: "exactly one of {\"ms\": N} or {\"percentile\": P}", got: "an object with \(budget.has("ms") ? "both" : "neither")")
        }
    }

    /// Makes the PATH of `table:PATH:COLUMN`, `predictor:PATH` and `supernet:PATH` absolute against `directory`.
    static func resolvingPaths(in source: String, against directory: URL) -> String {
        guard let spec = try? SourceSpec(source, option: "source") else { return source }
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : directory.appendingPathComponent(path).standardizedFileURL.path
        }
        switch spec {
        case let .table(path, column): return "table:\(absolute(path)):\(column)"
        case let .predictor(model): return "predictor:\(absolute(model))"
        case let .supernet(directory, ranking): return "\(ranking.kind):\(absolute(directory))"
        case .measure: return source
        }
    }

    static func fnv1a(_ data: Data) -> UInt64 {
        data.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
