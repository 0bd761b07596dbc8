import FathomSearch
import FathomSpaces
import Foundation

/// An accuracy source that asks the study store first: a stored answer is used, one being evaluated by another
/// worker is waited for, and a new one is evaluated here and stored for every worker.
final class StudyAccuracySource: AccuracySource {
    let inner: any AccuracySource
    let study: StudyStore
    let space: SearchSpace
    var id: String { inner.id }

    init(_ inner: any AccuracySource, study: StudyStore, space: SearchSpace) {
        self.inner = inner
        self.study = study
        self.space = space
    }

    func accuracy(of arch: Architecture) throws -> Double {
        try study.answer(source: "accuracy " + inner.id, arch: space.format(arch)) { (try inner.accuracy(of: arch), nil) }.value
    }

    var ranksByScore: Bool { inner.ranksByScore }

    func rankingScore(of arch: Architecture) throws -> Double {
        try study.answer(source: "score " + inner.id, arch: space.format(arch)) { (try inner.rankingScore(of: arch), nil) }.value
    }
}

/// A latency source that asks the study store first (as ``StudyAccuracySource``); `context` (batch, threads, …) is
/// part of the key, since the same architecture measured in another context is another answer.
final class StudyLatencySource: LatencySource {
    let inner: any LatencySource
    let study: StudyStore
    let space: SearchSpace
    let context: String
    var id: String { inner.id }
    var isCheap: Bool { inner.isCheap }

    init(_ inner: any LatencySource, study: StudyStore, space: SearchSpace, context: String) {
        self.inner = inner
        self.study = study
        self.space = space
        self.context = context
    }

    func latency(of arch: Architecture) throws -> LatencyEstimate {
        let answer = try study.answer(source: "latency \(inner.id) \(context)", arch: space.format(arch)) {
            let estimate = try inner.latency(of: arch)
            return (estimate.ms, String(decoding: try JSONEncoder().encode(LatencyRecord(estimate)), as: UTF8.self))
        }
        let record = answer.record.flatMap { try? JSONDecoder().decode(LatencyRecord.self, from: Data($0.utf8)) }
        return (record ?? LatencyRecord(origin: nil, detail: nil, p10: nil, p90: nil, runs: nil, upper: nil)).estimate(ms: answer.value)
    }
}
