import FathomGraph
import FathomSearch
import FathomSpaces
import Foundation

/// Runs an experiment config into a run directory: resolve the budget, search, verify the answer on the ground truth,
/// write the report, export the spec. Every step checkpoints; every accuracy and latency is journaled before use, so
/// running the same command on the same directory resumes (after a kill at any point) to the identical answer.
public final class ExperimentJob {
    /// What the checkpoint holds.
    struct State: Codable {
        var configHash: String
        var phase: String
        var budgetMs: Double?
        var answerArch: String?
    }

    public let config: ExperimentConfig
    public let directory: RunDirectory

    /// Prepares a job; throws if the directory is locked by another job or belongs to another config.
    public init(config: ExperimentConfig, out: String) throws {
        self.config = config
        self.directory = try RunDirectory(path: out)
    }

    /// Runs (or resumes) the job and returns the exported spec.
    public func run() throws -> ExportedSpec {
        let log = try EventLog(url: directory.events)
        let (loaded, damaged) = directory.load(State.self)
        if damaged { log.emit("checkpoint_damaged", ["used": .string(loaded == nil ? "none" : "previous")]) }
        if let loaded, loaded.configHash != config.hash {
            throw ExperimentError.runDirectory(path: directory.url.path, reason: "it belongs to another config (hash \(loaded.configHash), this one \(config.hash)); choose another --out")
        }
        var state = loaded ?? State(configHash: config.hash, phase: "started")
        log.emit(loaded == nil ? "job_started" : "job_resumed", ["config": .string(config.file), "config_hash": .string(config.hash), "phase": .string(state.phase)])
        log.phase(loaded == nil ? "job \(config.name) started" : "job \(config.name) resumed at phase \(state.phase)")

        let space = try SearchSpace.load(config.space)
        let factory = SourceFactory(space: space)
        let accuracy = try factory.accuracySource(config.accuracySource)
        let latency = try factory.latencySource(config.latencySource)
        let journal = try Journal(url: directory.journal)
        if journal.damagedLines > 0 { log.emit("journal_repaired", ["dropped_lines": .int(journal.damagedLines)]) }

        let budgetMs = try state.budgetMs ?? resolveBudget(latency: latency)
        if state.budgetMs == nil {
            state.budgetMs = budgetMs
            state.phase = "budget"
            try directory.save(state)
            log.emit("budget_resolved", ["budget_ms": .number(budgetMs), "budget": .string(describe(config.budget))])
        }

        log.phase("search: \(config.strategy), \(config.queries) queries, budget \(String(format: "%.4g", budgetMs)) ms (\(journal.replayed) journaled answers to replay)")
        var answered = 0, best = -Double.infinity
        let journaledAccuracy = JournaledAccuracySource(accuracy, journal: journal, space: space) { arch, value, replayed in
            answered += 1
            best = max(best, value)
            if !replayed { log.emit("query", ["n": .int(answered), "arch": .string(space.format(arch)), "accuracy": .number(value)]) }
            log.progress("search", done: answered, total: self.config.queries, detail: String(format: "best %.4f", best))
        }
        let journaledLatency = JournaledLatencySource(latency, journal: journal, space: space)
        let request = SearchRequest(space: space, latencyBudgetMs: budgetMs, queries: config.queries, seed: config.seed,
                                    limits: try limits(space), strict: config.strict)
        let result: SearchResult
        do {
            result = try SearchStrategies.named(config.strategy).search(request, accuracy: journaledAccuracy, latency: journaledLatency)
        } catch let SearchError.noFeasibleCandidate(arch, ms) {
            log.emit("no_feasible_candidate", ["budget_ms": .number(budgetMs)])
            throw ExperimentError.noFeasibleArchitecture(budgetMs: budgetMs, fastestArch: arch.map(space.format), fastestMs: ms)
        }
        log.phase(String(format: "search done: best %.4f at %.4g ms after %d queries", result.best.accuracy, result.best.latency.ms, result.queries))
        state.phase = "searched"
        state.answerArch = space.format(result.best.arch)
        try directory.save(state)
        log.emit("search_finished", ["arch": .string(space.format(result.best.arch)), "accuracy": .number(result.best.accuracy),
                                     "latency_ms": .number(result.best.latency.ms), "queries": .int(result.queries)])

        let verified = try verify(result, budgetMs: budgetMs, latency: journaledLatency, space: space, log: log)
        try ReportWriter(directory: directory, config: config, space: space, budgetMs: budgetMs).write(result, chosen: verified)
        state.phase = "reported"
        try directory.save(state)
        log.emit("report_written", ["folder": .string(directory.report.path)])

        let spec = try export(verified, result: result, budgetMs: budgetMs, space: space)
        state.phase = "done"
        try directory.save(state)
        log.emit("job_finished", ["arch": .string(spec.arch), "accuracy": .number(spec.accuracy), "latency_ms": .number(spec.latency_ms)])
        log.phase("exported \(directory.exported.appendingPathComponent(config.exportName + ".json").path)")
        return spec
    }

    /// The budget in ms: as given, or a percentile of the latency table's column.
    private func resolveBudget(latency: any LatencySource) throws -> Double {
        switch config.budget {
        case let .milliseconds(ms): return ms
        case .percentile:
            guard let table = latency as? TableLatencySource else {
                throw ExperimentError.unsupportedSource(option: "search.budget.percentile", value: config.latencySource,
                                                        reason: "a percentile budget needs a table latency source in this build; give search.budget.ms")
            }
            return config.budget.resolve(latencies: table.values)
        }
    }

    private func limits(_ space: SearchSpace) throws -> [HardLimit] {
        var limits: [HardLimit] = []
        if let maxParams = config.maxParamsM {
            limits.append(HardLimit(name: "params_m", maximum: maxParams) { arch in
                (try? NetworkGraph(space: space, arch: arch)).map { Double($0.parameters) / 1e6 } ?? .infinity
            })
        }
        if let maxFlops = config.maxFlopsM {
            limits.append(HardLimit(name: "flops_m", maximum: maxFlops) { arch in
                (try? NetworkGraph(space: space, arch: arch)).map { Double($0.flops) / 1e6 } ?? .infinity
            })
        }
        return limits
    }

    /// Checks the answer against the latency source's ground truth; an answer over budget is replaced by the most
    /// accurate candidate that verifies within it. (For table and measured sources the search's own latencies are
    /// the ground truth, so this confirms them; predicted latencies will be re-measured here.)
    private func verify(_ result: SearchResult, budgetMs: Double, latency: any LatencySource, space: SearchSpace, log: EventLog) throws -> Candidate {
        let ranked = result.history.filter(\.feasible).compactMap { record -> Candidate? in
            guard let accuracy = record.accuracy, let estimate = record.latency else { return nil }
            return Candidate(arch: record.arch, accuracy: accuracy, latency: estimate)
        }.sorted { ($0.accuracy, -$0.latency.ms) > ($1.accuracy, -$1.latency.ms) }
        for candidate in [result.best] + ranked {
            let truth = try latency.latency(of: candidate.arch)
            let within = (config.strict ? truth.upperBoundMs : truth.ms) <= budgetMs
            log.emit("verified", ["arch": .string(space.format(candidate.arch)), "latency_ms": .number(truth.ms), "within_budget": .bool(within)])
            if within { return Candidate(arch: candidate.arch, accuracy: candidate.accuracy, latency: truth) }
        }
        throw ExperimentError.noFeasibleArchitecture(budgetMs: budgetMs, fastestArch: nil, fastestMs: nil)
    }

    private func export(_ chosen: Candidate, result: SearchResult, budgetMs: Double, space: SearchSpace) throws -> ExportedSpec {
        let graph = try NetworkGraph(space: space, arch: chosen.arch)
        var kind = "table", device = "", p10: Double?, p90: Double?, runs: Int?
        switch chosen.latency.origin {
        case let .table(column): device = column
        case let .predicted(model): kind = "predicted"; device = model
        case let .measured(a, b, n, _): kind = "measured"; p10 = a; p90 = b; runs = n
        }
        let spec = ExportedSpec(
            name: config.exportName, space: config.space, arch: space.format(chosen.arch), budget_ms: budgetMs, budget: describe(config.budget),
            latency_ms: chosen.latency.ms, latency_source: result.latencySource, latency_kind: kind, latency_p10_ms: p10, latency_p90_ms: p90,
            latency_runs: runs, device: device, within_budget: chosen.latency.ms <= budgetMs, accuracy: chosen.accuracy,
            accuracy_source: result.accuracySource, flops_m: Double(graph.flops) / 1e6, params_m: Double(graph.parameters) / 1e6,
            strategy: result.strategy, seed: config.seed, queries: result.queries, config_hash: config.hash, fathom_version: FathomVersion.current)
        try FileManager.default.createDirectory(at: directory.exported, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try RunDirectory.writeAtomically(try encoder.encode(spec), to: directory.exported.appendingPathComponent(config.exportName + ".json"))
        return spec
    }

    private func describe(_ budget: BudgetSpec) -> String {
        switch budget {
        case let .milliseconds(ms): return "\(ms) ms"
        case let .percentile(p): return "p\(p) of the device's latencies"
        }
    }
}
