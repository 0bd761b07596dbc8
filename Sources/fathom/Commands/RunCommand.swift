import ArgumentParser
import FathomExperiments
import Foundation

/// `fathom run CONFIG --out DIR`: an experiment from config to a verified, exported answer; resumable.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an experiment config: budget, search, verification, report, export. Run it again on the same --out to resume.",
        discussion: """
        Examples:
          fathom run experiments/quickstart.json --out runs/quickstart
          fathom run experiments/nb201-pixel3-table.json --out runs/w0 --study runs/study.sqlite --worker 0 &
          fathom run experiments/nb201-pixel3-table.json --out runs/w1 --study runs/study.sqlite --worker 1
        Workers of one study (each with its own --out) share every accuracy and latency through the study store: an
        answer one worker obtained is never asked again by another. Worker N searches with the config's seed + N.
        Writes DIR/events.jsonl, DIR/journal.jsonl, DIR/report/{candidates.csv,pareto.svg,summary.md}, DIR/exported/NAME.json.
        Exit status 2 for an invalid config, 3 when no architecture meets the budget.
        """
    )

    @Argument(help: "The experiment config (JSON, see experiments/README.md).") var config: String
    @Option(help: "The run directory (created if needed; reused to resume).") var out: String
    @Option(help: "A study store (SQLite) shared with other workers of the same study.") var study: String?
    @Option(help: "This worker's number in the study (its seed is the config's plus this).") var worker: Int = 0
    @Flag(help: "Print the exported spec as one JSON object.") var json = false

    func validate() throws {
        guard worker >= 0 else { throw ValidationError("--worker must be 0 or more, got \(worker)") }
        guard study != nil || worker == 0 else { throw ValidationError("--worker needs --study") }
    }

    func run() throws {
        let experiment: ExperimentConfig
        do {
            experiment = try ExperimentConfig(path: config)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let spec: ExportedSpec
        do {
            spec = try ExperimentJob(config: experiment, out: out, study: study, worker: worker).run()
        } catch let error as ExperimentError {
            guard case .noFeasibleArchitecture = error else { throw error }
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(3)
        }
        if json { return try printJSONLine(spec) }
        print(textTable(header: ["answer", "value"], rows: [
            ["arch", spec.arch], ["accuracy", String(format: "%.4f  (%@)", spec.accuracy, spec.accuracy_source)],
            ["latency", String(format: "%.4f ms (%@), budget %.4f ms, within: %@", spec.latency_ms, spec.latency_source, spec.budget_ms, spec.within_budget ? "yes" : "NO")],
            ["FLOPs / params", String(format: "%.2f M / %.3f M", spec.flops_m, spec.params_m)],
            ["exported", "\(out)/exported/\(spec.name).json"], ["report", "\(out)/report/"],
        ]))
    }
}

/// `fathom status DIR`: where a running or finished job stands.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Summarise a running or finished job from its run directory.",
        discussion: "Example: fathom status runs/quickstart --json"
    )

    @Argument(help: "The run directory.") var directory: String
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let status = try JobStatus(path: directory)
        if json { return try printJSONLine(status) }
        print(textTable(header: ["job", "value"], rows: [
            ["directory", status.directory], ["phase", status.phase], ["running", status.running ? "yes" : "no"],
            ["queries", "\(status.queries)"], ["best accuracy", status.best_accuracy.map { String(format: "%.4f", $0) } ?? "-"],
            ["budget", status.budget_ms.map { String(format: "%.4f ms", $0) } ?? "-"], ["answer", status.answer ?? "-"],
            ["last event", status.last_event ?? "-"], ["exported", status.exported.joined(separator: ", ")],
        ]))
    }
}
