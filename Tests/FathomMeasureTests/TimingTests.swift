@testable import FathomMeasure
import Foundation
import Testing

/// A fake clock whose reading advances by scripted durations, so the timing protocol can be tested exactly.
final class ScriptedClock: @unchecked Sendable {
    private var now: UInt64 = 0
    private let lock = NSLock()
    func read() -> UInt64 { lock.withLock { now } }
    func advance(ms: Double) { lock.withLock { now += UInt64(ms * 1e6) } }
}

@Suite struct TimingSummaryTests {
    @Test func quantilesMatchNumPy() {
        // numpy.percentile([5, 1, 4, 2, 3, 10], [10, 50, 90]) == [1.5, 3.5, 7.5]
        let s = TimingSummary(milliseconds: [5, 1, 4, 2, 3, 10])
        #expect(s.p10Ms == 1.5 && s.medianMs == 3.5 && s.p90Ms == 7.5)
        #expect(s.runs == 6)
    }

    @Test func medianIntervalBracketsTheMedianAndNarrowsWithRuns() {
        let small = TimingSummary(milliseconds: (0..<20).map { 10 + Double($0 % 7) * 0.1 })
        let large = TimingSummary(milliseconds: (0..<400).map { 10 + Double($0 % 7) * 0.1 })
        for s in [small, large] { #expect(s.ciLowMs <= s.medianMs && s.medianMs <= s.ciHighMs) }
        #expect(large.ciHighMs - large.ciLowMs <= small.ciHighMs - small.ciLowMs)
        // n = 100: ranks 40 and 60 (1-based), i.e. zero-based 39 and 60.
        #expect(TimingSummary.medianRanks(100) == (39, 60))
    }

    @Test func farOutliersAreCountedNotDropped() {
        let s = TimingSummary(milliseconds: (0..<31).map { 1 + Double($0 % 4) * 0.1 } + [50])
        #expect(s.outliers == 1)
        #expect(s.runs == 32 && s.medianMs < 1.2 && s.p90Ms < 1.4)
    }
}

@Suite struct TimerTests {
    @Test func stopsWhenTheIntervalIsTight() throws {
        let clock = ScriptedClock()
        let timer = Timer(clock: { clock.read() })
        let result = try timer.time { clock.advance(ms: 2) }
        #expect(result.converged)
        #expect(result.summary.runs == TimingPolicy().minRuns)
        #expect(result.summary.medianMs == 2)
        #expect(result.warmupRuns >= 3)
    }

    @Test func reportsNonConvergenceAtTheTimeCap() throws {
        let clock = ScriptedClock()
        var policy = TimingPolicy()
        policy.maxSeconds = 1
        var step = 0
        // Alternating 1 ms and 9 ms runs never give a median interval within ±2%.
        let result = try Timer(policy: policy, clock: { clock.read() }).time {
            step += 1
            clock.advance(ms: step % 2 == 0 ? 1 : 9)
        }
        #expect(!result.converged)
        #expect(result.seconds >= 1)
        #expect(result.summary.p10Ms == 1 && result.summary.p90Ms == 9)
    }

    @Test func interleavingRotatesTheOrderEachRound() throws {
        let clock = ScriptedClock()
        var order: [Int] = []
        var policy = TimingPolicy()
        policy.warmupRuns = 0
        policy.warmupSeconds = 0
        let results = try Timer(policy: policy, clock: { clock.read() }).timeInterleaved([
            { order.append(0); clock.advance(ms: 1) },
            { order.append(1); clock.advance(ms: 3) },
        ])
        #expect(results.map(\.summary.medianMs) == [1, 3])
        #expect(Array(order.prefix(4)) == [0, 1, 1, 0])
    }
}

@Suite struct FingerprintTests {
    @Test func idIsStableAcrossReads() {
        let a = DeviceFingerprint.current(), b = DeviceFingerprint.current()
        #expect(a == b && a.id == b.id)
        #expect(a.id.count == 12 && a.cores >= 1)
    }

    @Test func idChangesWithTheKernelBuild() throws {
        let a = DeviceFingerprint.current()
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(a)) as! [String: Any]
        json["kernelBuild"] = "kernels-0+x86-64-v3"
        let b = try JSONDecoder().decode(DeviceFingerprint.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(a.id != b.id)
    }

    @Test func calibrationDriftIsFlaggedBeyondTolerance() {
        let reference = Calibration(gemmGflops: 100, fmaPeakGflops: 110)
        #expect(!Calibration(gemmGflops: 95, fmaPeakGflops: 112).drift(from: reference).drifted)
        #expect(Calibration(gemmGflops: 60, fmaPeakGflops: 110).drift(from: reference).drifted)
    }

    @Test func machineLockIsExclusiveAcrossHolders() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-lock-test-\(UUID().uuidString)").path
        var first: MachineLock? = try MachineLock(path: path)
        _ = first
        // flock locks belong to open file descriptions: a second open in this process must wait.
        let waited = Atomic()
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = try? MachineLock(path: path, onWait: { waited.set() })
            released.signal()
        }
        var polls = 0
        while !waited.isSet && polls < 500 {
            Thread.sleep(forTimeInterval: 0.01)
            polls += 1
        }
        #expect(waited.isSet)
        first = nil
        #expect(released.wait(timeout: .now() + 5) == .success)
    }
}

/// A flag set from another thread.
final class Atomic: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
