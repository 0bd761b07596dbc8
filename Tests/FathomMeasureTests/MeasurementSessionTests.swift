@testable import FathomMeasure
import FathomSpaces
import Foundation
import Testing

@Suite struct MeasurementSessionTests {
    static let space = try! SearchSpace.load("fmnist-cell")
    static let context = MeasurementContext(batch: 1, threads: 2)

    func measure(_ session: MeasurementSession, _ archs: [String], groupSize: Int = 2) throws -> [SessionMeasurement] {
        var results: [SessionMeasurement] = []
        try session.measure(space: Self.space, spaceArgument: "fmnist-cell", archs: archs, context: Self.context, policy: TimingPolicy(),
                            perLayer: false, groupSize: groupSize) { results.append($0) }
        return results
    }

    @Test func aRepeatedRequestIsReusedUnlessFresh() throws {
        let path = Fixtures.storePath()
        let agent = FakeAgent()
        agent.latencies = ["a": 3]
        let first = try measure(try MeasurementSession(agent: agent, store: try MeasurementStore(path: path), fresh: false), ["a"])
        let again = try measure(try MeasurementSession(agent: agent, store: try MeasurementStore(path: path), fresh: false), ["a"])
        #expect(first.map(\.reused) == [false] && again.map(\.reused) == [true])
        #expect(again[0].measurement.summary.medianMs == 3 && agent.requests.count == 1)
        let fresh = try measure(try MeasurementSession(agent: agent, store: try MeasurementStore(path: path), fresh: true), ["a"])
        #expect(fresh.map(\.reused) == [false] && agent.requests.count == 2)
    }

    @Test func aDriftedCalibrationIsReportedAndMeasuredAgain() throws {
        let path = Fixtures.storePath()
        let agent = FakeAgent()
        _ = try measure(try MeasurementSession(agent: agent, store: try MeasurementStore(path: path), fresh: false), ["a"])
        agent.calibration = Calibration(gemmGflops: 30, fmaPeakGflops: 100)
        var notes: [String] = []
        let session = try MeasurementSession(agent: agent, store: try MeasurementStore(path: path), fresh: false) { notes.append($0) }
        let again = try measure(session, ["a"])
        #expect(again[0].reused == false)
        #expect(abs(try #require(again[0].calibrationDrift) - 0.4) < 1e-9)
        #expect(notes.count == 1 && notes[0].contains("drifted"))
    }

    @Test func eachGroupIsStoredAtOnceSoAKilledRunResumes() throws {
        let path = Fixtures.storePath()
        let archs = ["a", "b", "c", "d", "e"]
        let dying = FakeAgent()
        dying.failOnRequest = 1
        #expect(throws: MeasureError.self) {
            try measure(try MeasurementSession(agent: dying, store: try MeasurementStore(path: path), fresh: false), archs)
        }
        let agent = FakeAgent()
        let resumed = try measure(try MeasurementSession(agent: agent, store: try MeasurementStore(path: path), fresh: false), archs)
        #expect(resumed.filter(\.reused).map(\.measurement.arch) == ["a", "b"])
        #expect(agent.requests.map(\.archs) == [["c", "d"], ["e"]])
    }

    @Test func measurementsOfTheAgentsKernelBuildAreLookedUpUnderIt() throws {
        let agent = FakeAgent()
        let session = try MeasurementSession(agent: agent, store: try MeasurementStore(path: Fixtures.storePath()), fresh: false)
        var foreign = Self.context
        foreign.kernelBuild = "kernels-0"
        try session.measure(space: Self.space, spaceArgument: "fmnist-cell", archs: ["a"], context: foreign, policy: TimingPolicy(),
                            perLayer: false) { _ in }
        try session.measure(space: Self.space, spaceArgument: "fmnist-cell", archs: ["a"], context: foreign, policy: TimingPolicy(),
                            perLayer: false) { #expect($0.reused) }
        #expect(agent.requests.count == 1)
    }
}
