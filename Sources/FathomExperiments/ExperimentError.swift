/// Errors of the experiment layer (sources, jobs, configs), each one sentence naming the input at fault.
public enum ExperimentError: Error, Equatable, CustomStringConvertible {
    /// A source string that does not follow `kind:ARGS`.
    case invalidSource(option: String, value: String, expected: String)
    /// An architecture the table does not hold.
    case architectureNotInTable(file: String, arch: String)
    /// A source kind this build cannot serve yet.
    case unsupportedSource(option: String, value: String, reason: String)
    /// A budget that is neither a positive number of ms nor a percentile `pNN`.
    case invalidBudget(value: String)
    /// A config file with one or more problems, each naming its key path.
    case invalidConfig(file: String, problems: [String])
    /// No architecture met the budget: the fastest one seen says how far off it is.
    case noFeasibleArchitecture(budgetMs: Double, fastestArch: String?, fastestMs: Double?)
    /// A run directory that another job holds, that belongs to another config, or that cannot be written.
    case runDirectory(path: String, reason: String)
    /// A study store (`--study`) that cannot be opened or written.
    case studyStore(path: String, reason: String)
    /// A local adaptation that cannot run (a space without a HELP table, an agent that skipped an architecture).
    case localAdaptation(model: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidSource(option, value, expected):
            return "\(option) '\(value)': expected \(expected)"
        case let .architectureNotInTable(file, arch):
            return "\(file) has no row for architecture \(arch)"
        case let .unsupportedSource(option, value, reason):
            return "\(option) '\(value)': \(reason)"
        case let .invalidConfig(file, problems):
            return "\(file): \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n  " + problems.joined(separator: "\n  ")
        case let .noFeasibleArchitecture(budget, arch, ms):
            let seen = arch.map { "the fastest seen was \($0) at \(ms.map { String(format: "%.4g ms", $0) } ?? "?")" } ?? "no latency was seen"
            return "no architecture within \(budget) ms was found; \(seen)"
        case let .runDirectory(path, reason):
            return "run directory \(path): \(reason)"
        case let .studyStore(path, reason):
            return "study store \(path): \(reason)"
        case let .localAdaptation(model, reason):
            return "adapting \(model) to this device: \(reason)"
        case let .invalidBudget(value):
            return "budget '\(value)': expected a positive number of ms or a percentile such as p50 (0 < p < 100)"
        }
    }
}
