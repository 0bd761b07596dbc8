import FathomSearch
import FathomSpaces

/// One candidate checked on the ground truth: what the search saw and what the device says.
public struct VerificationCheck: Sendable {
    public let arch: Architecture
    public let accuracy: Double
    /// The latency the search used (a prediction, a table value or an earlier measurement).
    public let searchLatency: LatencyEstimate
    /// The latency on the budget's own device.
    public let truth: LatencyEstimate
    /// Whether `truth` is within the budget (its upper confidence bound when strict).
    public let withinBudget: Bool
}

/// What verifying a search's answer found.
public struct Verification: Sendable {
    /// The answer with its ground-truth latency: the search's best when it verified within the budget, otherwise the
    /// most accurate queried candidate that did.
    public let chosen: Candidate
    /// The candidates checked, in order; the last one is `chosen`.
    public let checks: [VerificationCheck]
    /// The ground truth's id (`measure:<device>`, `table:PATH:COLUMN`).
    public let source: String

    /// Whether the search's own best answer failed verification and was replaced.
    public var replaced: Bool { checks.count > 1 }
    /// What the search itself saw for the chosen architecture (``checks`` is never empty: it ends with `chosen`).
    public var searchLatency: LatencyEstimate { checks[checks.count - 1].searchLatency }
}

/// Checks a search's answer on the ground truth of the budget's device (the measurement agent for a real device, the
/// device's table in benchmarks). An answer over budget is replaced by the most accurate queried candidate that
/// verifies within it, so a search never returns an infeasible answer, whatever its latency source got wrong.
public struct AnswerVerifier {
    public let truth: any LatencySource
    public let space: SearchSpace
    public let budgetMs: Double
    public let strict: Bool

    /// A verifier against `truth` for architectures of `space` and a budget of `budgetMs` (compared with the upper
    /// bound when `strict`).
    public init(truth: any LatencySource, space: SearchSpace, budgetMs: Double, strict: Bool) {
        self.truth = truth
        self.space = space
        self.budgetMs = budgetMs
        self.strict = strict
    }

    /// Verifies `result.best`, then (if it fails) the other feasible queried candidates by ranking score (the faster first
    /// among equals) until one holds; `onCheck` sees each check as it is made.
    ///
    /// - Throws: `ExperimentError.noFeasibleArchitecture` when no queried candidate verifies within the budget.
    public func verify(_ result: SearchResult, onCheck: (VerificationCheck) -> Void = { _ in }) throws -> Verification {
        let ranked = result.history.compactMap { record -> Candidate? in
            guard record.feasible, let accuracy = record.accuracy, let latency = record.latency, record.arch != result.best.arch else { return nil }
            return Candidate(arch: record.arch, accuracy: accuracy, score: record.score, latency: latency)
        }.sorted { ($0.score, -$0.latency.ms) > ($1.score, -$1.latency.ms) }
        var checks: [VerificationCheck] = []
        var fastest: VerificationCheck?
        for candidate in [result.best] + ranked {
            let measured = try truth.latency(of: candidate.arch)
            let check = VerificationCheck(arch: candidate.arch, accuracy: candidate.accuracy, searchLatency: candidate.latency, truth: measured,
                                          withinBudget: (strict ? measured.upperBoundMs : measured.ms) <= budgetMs)
            checks.append(check)
            onCheck(check)
            if check.withinBudget {
                return Verification(chosen: Candidate(arch: check.arch, accuracy: check.accuracy, score: candidate.score, latency: measured),
                                    checks: checks, source: truth.id)
            }
            if measured.ms < fastest?.truth.ms ?? .infinity { fastest = check }
        }
        throw ExperimentError.noFeasibleArchitecture(budgetMs: budgetMs, fastestArch: fastest.map { space.format($0.arch) },
                                                     fastestMs: fastest?.truth.ms)
    }
}
