@testable import FathomMeasure
import Foundation
import GRDB
import Testing

@Suite struct MeasurementStoreTests {
    @Test func savesAndReadsBackTheNewestMeasurementWithItsProfile() throws {
        let store = try MeasurementStore(path: Fixtures.storePath())
        try store.register(Fixtures.device())
        let profile = LayerProfile(layers: [LayerTiming(name: "stem.conv", op: "conv", medianMs: 0.5, p10Ms: 0.4, p90Ms: 0.6),
                                            LayerTiming(name: "head", op: "linear", medianMs: 0.25, p10Ms: 0.2, p90Ms: 0.3)], runs: 12, networkMs: 1)
        let old = Fixtures.measurement(arch: "a", ms: 2, at: Date(timeIntervalSince1970: 1000))
        let new = Fixtures.measurement(arch: "a", ms: 1, profile: profile, at: Date(timeIntervalSince1970: 2000))
        try store.save(old)
        try store.save(new)
        let context = new.context
        let found = try #require(try store.latest(device: new.device, space: "fmnist-cell", arch: "a", context: context))
        #expect(found.summary == new.summary && found.profile?.layers == profile.layers && found.profile?.runs == 12)
        #expect(found.calibration == Fixtures.calibration && found.measuredAt == new.measuredAt)
        #expect(try store.latest(device: new.device, space: "fmnist-cell", arch: "b", context: context) == nil)
        var other = context
        other.threads = 1
        #expect(try store.latest(device: new.device, space: "fmnist-cell", arch: "a", context: other) == nil)
        #expect(try store.measurements(device: new.device, space: "fmnist-cell").map(\.summary.medianMs) == [1])
        #expect(try store.devices().first?.measurements == 2)
    }

    @Test func aProfileIsOnlyFoundWhereOneWasStored() throws {
        let store = try MeasurementStore(path: Fixtures.storePath())
        try store.register(Fixtures.device())
        let m = Fixtures.measurement(arch: "a", ms: 1)
        try store.save(m)
        #expect(try store.latest(device: m.device, space: m.space, arch: "a", context: m.context, withProfile: true) == nil)
    }

    @Test func theSchemaIsVersionedByMigrations() throws {
        let path = Fixtures.storePath()
        _ = try MeasurementStore(path: path)
        let reopened = try MeasurementStore(path: path)
        let applied = try reopened.queue.read { try MeasurementStore.migrator.appliedIdentifiers($0) }
        #expect(applied == ["v1"])
        #expect(try reopened.queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test func aCorruptFileIsReportedByName() throws {
        let path = Fixtures.storePath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try MeasurementStore(path: path)
        } throws: { error in
            guard case let .corruptStore(file, _) = error as? MeasureError else { return false }
            return file == path && "\(error)".contains(path)
        }
    }

    @Test func anUnknownDeviceListsTheKnownOnes() throws {
        let store = try MeasurementStore(path: Fixtures.storePath())
        try store.register(Fixtures.device())
        #expect(throws: MeasureError.unknownDevice(id: "nope", known: [DeviceFingerprint.current().id])) { try store.device("nope") }
    }

    @Test func twoConnectionsCreatingOneStoreAtOnceBothSucceed() async throws {
        for _ in 0..<10 {
            let path = Fixtures.storePath()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 { group.addTask { _ = try MeasurementStore(path: path) } }
                try await group.waitForAll()
            }
        }
    }

    @Test func twoConnectionsWritingAtOnceLoseNothing() async throws {
        let path = Fixtures.storePath()
        let setup = try MeasurementStore(path: path)
        try setup.register(Fixtures.device())
        // Two stores are two SQLite connections, as two processes would hold.
        let writers = try (0..<2).map { _ in try MeasurementStore(path: path) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (w, store) in writers.enumerated() {
                group.addTask {
                    for i in 0..<150 { try store.save(Fixtures.measurement(arch: "w\(w)-\(i)", ms: Double(i + 1))) }
                }
            }
            try await group.waitForAll()
        }
        let all = try setup.measurements(device: DeviceFingerprint.current().id, space: "fmnist-cell")
        #expect(all.count == 300)
        #expect(Set(all.map(\.arch)).count == 300)
    }
}
