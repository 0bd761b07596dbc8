import FathomGraph
import FathomMeasure
import FathomNN
import FathomSearch
import FathomSpaces
import Foundation

/// Runs an experiment config into a run directory: train the supernet if the config asks for one, resolve the budget,
/// search, verify the answer on the ground truth, write the report, export the spec. Every step checkpoints; every accuracy and latency is journaled before use, so
/// running the same command on the same directory resumes (after a kill at any point) to the identical answer.
public final class ExperimentJob {
    /// What the checkpoint holds.
    struct State: Codable {
        var configHash: String
        var phase: String
        var budgetMs: Double?
        var answerArch: String?
        /// The worker's number in a study (its seed is the config's plus this); nil in checkpoints from before studies.
        var worker: Int?
        /// The accuracy source of the supernet this job trained (`accuracy.train`), once its training finished.
        var supernet: String?
        /// The latency source of the predictor this job adapted to the device (`latency.adapt`), once adapted.
        var adapted: String?
    }

    public let config: ExperimentConfig
    public let directory: RunDirectory
    /// The study store shared with other workers (`--study`), if any.
    public let study: StudyStore?
    /// This worker's number in the study: its search seed is `config.seed + worker`.
    public let worker: Int

    /// Prepares a job; throws if the directory is locked by another job or belongs to another config, or the study
    /// store cannot be opened.
    public init(config: ExperimentConfig, out: String, study: String? = nil, worker: Int = 0) throws {
        self.config = config
        self.study = try study.map { try StudyStore(path: $0) }
        self.directory = try RunDirectory(path: out)
        self.worker = worker
    }

    /// The seed of this worker's search.
    var seed: UInt64 { config.seed &+ UInt64(worker) }

    /// Runs (or resumes) the job and returns the exported spec.
    public func run() throws -> ExportedSpec {
        let log = try EventLog(url: directory.events)
        let (loaded, damaged) = directory.load(State.self)
        if damaged { log.emit("checkpoint_damaged", ["used": .string(loaded == nil ? "none" : "previous")]) }
        if let loaded, loaded.configHash != config.hash {
            throw ExperimentError.runDirectory(path: directory.url.path, reason: "it belongs to another config (hash \(loaded.configHash), this one \(config.hash)); choose another --out")
        }
        if let loaded, (loaded.worker ?? 0) != worker {
            throw ExperimentError.runDirectory(path: directory.url.path, reason: "it belongs to worker \(loaded.worker ?? 0) of its study, not \(worker); choose another --out")
        }
        var state = loaded ?? State(configHash: config.hash, phase: "started", worker: worker)
        log.emit(loaded == nil ? "job_started" : "job_resumed", ["config": .string(config.file), "config_hash": .string(config.hash), "phase": .string(state.phase)])
        log.phase(loaded == nil ? "job \(config.name) started" : "job \(config.name) resumed at phase \(state.phase)")

        let space = try SearchSpace.load(config.space)
        let factory = SourceFactory(space: space, spaceArgument: config.space)
        factory.measurement.context.batch = config.batch
        if let threads = config.threads { factory.measurement.context.threads = threads }
        factory.measurement.agentCommand = config.agentCommand
        factory.measurementLog = { log.phase($0) }
        if let training = config.supernetTraining, state.supernet == nil {
            state.supernet = try trainSupernet(training, space: space, log: log)
            state.phase = "supernet"
            try directory.save(state)
        }
        guard let accuracyText = config.accuracySource ?? state.supernet else { preconditionFailure("a config has a source or trains") }
        var accuracy = try factory.accuracySource(accuracyText)
        if let model = config.adaptModel, state.adapted == nil {
            state.adapted = try adaptPredictor(model, space: space, settings: factory.measurement, log: log)
            state.phase = "adapted"
            try directory.save(state)
        }
        guard let latencyText = config.latencySource ?? state.adapted else { preconditionFailure("a config has a source or adapts") }
        let latency = try factory.latencySource(latencyText)
        var shared: any LatencySource = latency
        if let study {
            let context = (latency as? MeasuredLatencySource).map { source -> String in
                let c = source.settings.context
                return "batch=\(c.batch) threads=\(c.threads) dead_edges=\(c.deadEdges) build=\(c.kernelBuild)"
            } ?? ""
            accuracy = StudyAccuracySource(accuracy, study: study, space: space)
            shared = StudyLatencySource(latency, study: study, space: space, context: context)
            log.phase("worker \(worker) of the study \(study.path) (\(study.worker))")
        }
        let journal = try Journal(url: directory.journal)
        if journal.damagedLines > 0 { log.emit("journal_repaired", ["dropped_lines": .int(journal.damagedLines)]) }
        let journaledLatency = JournaledLatencySource(shared, journal: journal, space: space)

        let budgetMs = try state.budgetMs ?? resolveBudget(latency: latency, journaled: journaledLatency, space: space, log: log)
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
            log.progress("search", done: answered, total: self.config.queries, detail: String(format: "most accurate so far %.4f", best))
        }
        // With latency.borderline, predictions near the budget come from the ground truth, journaled apart from the
        // plain predictions (the budget's sample asked some of the same architectures).
        let checked = try config.borderline.map {
            BorderlineCheckedLatencySource(predicted: shared, truth: try factory.verificationSource(config.verifySource, latency: latencyText),
                                           budgetMs: budgetMs, band: $0)
        }
        let searchLatency = checked.map { JournaledLatencySource($0, journal: journal, space: space, keyPrefix: "checked ") } ?? journaledLatency
        let request = SearchRequest(space: space, latencyBudgetMs: budgetMs, queries: config.queries, seed: seed,
                                    limits: GraphLimits.make(space: space, maxParamsM: config.maxParamsM, maxFlopsM: config.maxFlopsM), strict: config.strict)
        let result: SearchResult
        do {
            result = try SearchStrategies.named(config.strategy).search(request, accuracy: journaledAccuracy, latency: searchLatency)
        } catch let SearchError.noFeasibleCandidate(arch, ms) {
            log.emit("no_feasible_candidate", ["budget_ms": .number(budgetMs)])
            throw ExperimentError.noFeasibleArchitecture(budgetMs: budgetMs, fastestArch: arch.map(space.format), fastestMs: ms)
        }
        log.phase(String(format: "search done: answer %@ (accuracy %.4f) at %.4g ms after %d queries", space.format(result.best.arch), result.best.accuracy,
                         result.best.latency.ms, result.queries))
        if let checked {
            // Checks replayed from the journal on a resume are not counted again.
            log.emit("borderline_checked", ["checks": .int(checked.checks), "truth": .string(checked.truth.id)])
        }
        state.phase = "searched"
        state.answerArch = space.format(result.best.arch)
        try directory.save(state)
        log.emit("search_finished", ["arch": .string(space.format(result.best.arch)), "accuracy": .number(result.best.accuracy),
                                     "latency_ms": .number(result.best.latency.ms), "queries": .int(result.queries)])

        // One ground-truth session serves the borderline checks and the verification.
        let truth = JournaledLatencySource(try checked?.truth ?? factory.verificationSource(config.verifySource, latency: latencyText),
                                           journal: journal, space: space, keyPrefix: "verify ")
        log.phase("verifying the answer on \(truth.id)")
        let verification = try AnswerVerifier(truth: truth, space: space, budgetMs: budgetMs, strict: config.strict).verify(result) { check in
            log.emit("verified", ["arch": .string(space.format(check.arch)), "latency_ms": .number(check.truth.ms),
                                  "search_latency_ms": .number(check.searchLatency.ms), "within_budget": .bool(check.withinBudget)])
        }
        if verification.replaced, let first = verification.checks.first {
            log.phase(String(format: "the search's answer is %.4g ms on %@ (the search saw %.4g ms), over the budget: replaced by the best of %d candidates checked that holds",
                             first.truth.ms, truth.id, first.searchLatency.ms, verification.checks.count))
        }
        try ReportWriter(directory: directory, config: config, space: space, budgetMs: budgetMs, seed: seed).write(result, verification: verification)
        state.phase = "reported"
        try directory.save(state)
        log.emit("report_written", ["folder": .string(directory.report.path)])

        let spec = try export(verification, result: result, budgetMs: budgetMs, space: space)
        state.phase = "done"
        try directory.save(state)
        log.emit("job_finished", ["arch": .string(spec.arch), "accuracy": .number(spec.accuracy), "latency_ms": .number(spec.latency_ms)])
        log.phase("exported \(directory.exported.appendingPathComponent(config.exportName + ".json").path)")
        return spec
    }

    /// Trains the supernet of `accuracy.train` into `DIR/supernet` (resuming its newest good checkpoint, which a
    /// killed job left there) and returns its accuracy source.
    private func trainSupernet(_ path: String, space: SearchSpace, log: EventLog) throws -> String {
        let config = try TrainingConfig(path: path)
        let run = try TrainingRun(config: config, space: space, directory: directory.supernet)
        log.phase("supernet: \(config.method.rawValue), \(config.training.epochs) epochs into \(directory.supernet.path)"
                  + (run.trainer.step > 0 ? " (resuming at step \(run.trainer.step))" : ""))
        let summary = try run.run { p in
            log.progress("supernet", done: p.step, total: p.totalSteps,
                         detail: String(format: "epoch %d/%d loss %.3f acc %.3f %.0f img/s", p.epoch, p.epochs, p.loss, p.accuracy, p.imagesPerSecond))
        }
        log.emit("supernet_trained", ["method": .string(summary.method), "steps": .int(summary.steps), "validation_accuracy": .number(summary.accuracy),
                                      "weights_checksum": .string(summary.weights_checksum)])
        log.phase(String(format: "supernet trained: mean validation accuracy of 5 subnets %.4f", summary.accuracy))
        return "supernet:\(directory.supernet.path)"
    }

    /// Adapts the meta-trained model of `latency.adapt` to the measuring device from `latency.samples` measurements
    /// (stored in the measurement store, so that a rerun after a kill reuses them) into `DIR/adapted.json`, and returns
    /// its latency source.
    private func adaptPredictor(_ model: String, space: SearchSpace, settings: MeasurementSettings, log: EventLog) throws -> String {
        let adaptation = try LocalAdaptation(model: model, tablePath: nil, numSamples: config.adaptSamples, seed: config.seed)
        guard adaptation.space.name == space.name else {
            throw ExperimentError.localAdaptation(model: model, reason: "it predicts space \(adaptation.space.name), the experiment searches \(space.name)")
        }
        let out = directory.url.appendingPathComponent("adapted.json").path
        log.phase("adapting \(model) to this device from \(config.adaptSamples) measurements")
        let result = try adaptation.run(settings: settings, out: out) { log.phase($0) }
        log.emit("predictor_adapted", ["model": .string(model), "device": .string(result.device), "measurements": .int(result.measurements.count),
                                       "samples": .string(result.samplesPath)])
        return "predictor:\(out)"
    }

    /// The budget in ms: as given, or a percentile of the device's latencies: a table's whole column, otherwise a
    /// seeded sample of the space (`search.budget.sample`: 30 measured, 1000 predicted), each answer journaled so that
    /// a resumed job resolves the same budget.
    private func resolveBudget(latency: any LatencySource, journaled: JournaledLatencySource, space: SearchSpace, log: EventLog) throws -> Double {
        guard case .percentile = config.budget else { return config.budget.resolve(latencies: []) }
        if let table = latency as? TableLatencySource { return config.budget.resolve(latencies: table.values) }
        let count = config.budgetSample ?? (latency.isCheap ? 1000 : 30)
        let sample = space.sample(count: count, seed: config.seed ^ 0xB0D6E7)
        log.phase("resolving the budget: \(count) sampled architectures on \(latency.id)")
        let latencies = try sample.enumerated().map { index, arch in
            log.progress("budget", done: index, total: count, detail: "")
            return try journaled.latency(of: arch).ms
        }
        return config.budget.resolve(latencies: latencies)
    }

    private func export(_ verification: Verification, result: SearchResult, budgetMs: Double, space: SearchSpace) throws -> ExportedSpec {
        let chosen = verification.chosen
        let graph = try NetworkGraph(space: space, arch: chosen.arch)
        var kind = "table", device = "", p10: Double?, p90: Double?, runs: Int?, upper: Double?
        switch chosen.latency.origin {
        case let .table(column): device = column
        case let .predicted(model): kind = "predicted"; device = model
        case let .measured(a, b, n, u):
            kind = "measured"; p10 = a; p90 = b; runs = n; upper = u
            device = String(verification.source.split(separator: ":").last ?? "")
        }
        let spec = ExportedSpec(
            name: config.exportName, space: config.space, arch: space.format(chosen.arch), budget_ms: budgetMs, budget: describe(config.budget),
            latency_ms: chosen.latency.ms, latency_source: verification.source, latency_kind: kind, latency_p10_ms: p10, latency_p90_ms: p90,
            latency_runs: runs, latency_upper_ms: upper, search_latency_ms: verification.searchLatency.ms, search_latency_source: result.latencySource,
            verified_candidates: verification.checks.count, device: device,
            within_budget: (config.strict ? chosen.latency.upperBoundMs : chosen.latency.ms) <= budgetMs, accuracy: chosen.accuracy,
            accuracy_source: result.accuracySource, flops_m: Double(graph.flops) / 1e6, params_m: Double(graph.parameters) / 1e6,
            strategy: result.strategy, seed: seed, queries: result.queries, config_hash: config.hash, fathom_version: FathomVersion.current)
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
