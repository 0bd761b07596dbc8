import Foundation
import Testing
import FathomPredict

@Suite struct HELPProtocolTests {
    @Test func restrictsTheSplitToDevicesInTheData() throws {
        let table = try HELPData.nasbench201.get()
        let split = HELPProtocol(space: .nasbench201).restricted(toDevicesOf: table)
        #expect(split.metaTrainDevices == ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r",
                                           "samsung_a50", "pixel3", "essential_ph_1", "samsung_s7"])
        #expect(split.metaValidDevices == ["titanx_1", "titanx_32", "titanx_256", "gold_6240"])
        #expect(split.metaTestDevices.isEmpty)  // held out of this copy on purpose
        #expect(HELPProtocol(space: .ofa).restricted(toDevicesOf: try HELPData.ofa.get()).metaTrainDevices.count == 9)
    }

    @Test func poolsFollowHELPsIndexRanges() {
        #expect(HELPProtocol(space: .nasbench201).adaptationPool == 0..<900)
        #expect(HELPProtocol(space: .nasbench201).testQueries == 900..<1900)
        #expect(HELPProtocol(space: .fbnet).adaptationPool == 0..<4000)
        #expect(HELPProtocol(space: .ofa).testQueries == 4000..<5000)
    }

    @Test func trimmingMatchesHELPsLoaderOnNasBench201() throws {
        let table = try HELPData.nasbench201.get()
        let split = HELPProtocol(space: .nasbench201)
        let pool = try split.adaptationRows(device: "1080ti_1", in: table)
        let queries = try split.testRows(device: "1080ti_1", in: table)
        #expect(pool.count == 720 && queries.count == 800)
        // numpy, HELP's loader.py on float32 latencies: sums of the kept indices.
        #expect(pool.reduce(0, +) == 325_560)
        #expect(queries.reduce(0, +) == 1_114_639)
        let latencies = try table.latencies(device: "1080ti_1")
        #expect(pool.map { latencies[$0] }.min() == 6.748089790344238)
        #expect(pool.map { latencies[$0] }.max() == 12.982916831970215)
    }

    @Test func trimmingKeepsHELPsLatenciesWhereTiesStraddleTheCut() throws {
        // samsung_a50 holds whole milliseconds; numpy (HELP's loader.py) keeps latencies summing to 16202 ms
        // in the pool and 17303 ms among the queries, whichever tied architectures it picks.
        let table = try HELPData.nasbench201.get()
        let latencies = try table.latencies(device: "samsung_a50")
        let split = HELPProtocol(space: .nasbench201)
        #expect(try split.adaptationRows(device: "samsung_a50", in: table).map { latencies[$0] }.reduce(0, +) == 16202)
        #expect(try split.testRows(device: "samsung_a50", in: table).map { latencies[$0] }.reduce(0, +) == 17303)
    }

    @Test func trimmingComparesFloat32LatenciesOnFBNet() throws {
        // numpy, HELP's loader.py on float32 latencies: sums of the kept indices for fbnet pixel3.
        let table = try HELPData.fbnet.get()
        let split = HELPProtocol(space: .fbnet)
        let pool = try split.adaptationRows(device: "pixel3", in: table)
        #expect(pool.count == 3200 && pool.reduce(0, +) == 6_332_760)
        #expect(try split.testRows(device: "pixel3", in: table).reduce(0, +) == 3_602_020)
    }

    @Test func trimmingCutsByRankWithTruncatedBounds() {
        // 11 rows: Int(1.1) = 1 and Int(9.9) = 9 keep the ranks 1..<9; ties ranked by row.
        let latencies: [Double] = [5, 1, 9, 3, 3, 7, 2, 8, 6, 4, 10]
        #expect(HELPProtocol.trimmedToCentralPercentiles(rows: Array(0..<11), latencies: latencies) == [0, 3, 4, 5, 6, 7, 8, 9])
    }

    @Test func reportsAnUnknownDevice() throws {
        let table = try HELPData.ofa.get()
        #expect(throws: PredictError.unknownDevice(file: table.file, device: "pixel3", known: table.devices)) {
            try HELPProtocol(space: .ofa).testRows(device: "pixel3", in: table)
        }
    }
}

@Suite struct HardwareEmbeddingTests {
    @Test func readsTheReferenceArchitecturesInPositionOrder() throws {
        let references = try HardwareEmbedding.referenceArchIndices(contentsOf: HELPData.path("nasbench201", "hardware_embedding_index.csv"))
        #expect(references == [11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462])
        #expect(try HardwareEmbedding.referenceArchIndices(contentsOf: HELPData.path("ofa", "hardware_embedding_index.csv")).last == 4948)
    }

    @Test func embeddingIsMinMaxNormalisedReferenceLatency() throws {
        let table = try HELPData.nasbench201.get()
        let references = try HardwareEmbedding.referenceArchIndices(contentsOf: HELPData.path("nasbench201", "hardware_embedding_index.csv"))
        let embedding = try HardwareEmbedding.embedding(device: "1080ti_1", references: references, in: table)
        // numpy: (e − e.min()) / (e.max() − e.min()) of the reference latencies on 1080ti_1.
        let expected = [0.1608415665427694, 0.18373857747912367, 0.0, 0.22368311107506103, 0.7253642632175976,
                        0.4978435845775028, 0.37841065600598683, 0.6701114423099263, 0.21127450041310405, 1.0]
        #expect(zip(embedding, expected).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func constantReferenceLatenciesCannotBeEmbedded() throws {
        let table = try LatencyTable(csvText: "arch_index,arch_string,cpu\n0,a,2\n1,b,2\n", name: "t.csv")
        #expect(throws: PredictError.constantLatencies(device: "cpu", what: "reference-architecture")) {
            try HardwareEmbedding.embedding(device: "cpu", references: [0, 1], in: table)
        }
    }

    @Test func reportsAReferenceFileWithoutPositions() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fathom-predict-\(UInt64.random(in: 0...UInt64.max)).csv").path
        try "arch_index,arch_string\n3,x\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: PredictError.missingColumn(file: path, column: "position",
                                                  detail: "a reference-architecture file needs 'position' and 'arch_index'")) {
            try HardwareEmbedding.referenceArchIndices(contentsOf: path)
        }
    }
}

@Suite struct LatencyScalerTests {
    @Test func mapsThePoolOntoHELPsTargetRange() throws {
        let scaler = try #require(LatencyScaler(fitting: [4, 2, 12]))
        #expect(abs(scaler.normalise(2) - 0.05) < 1e-15)
        #expect(abs(scaler.normalise(12) - 0.95) < 1e-15)
        #expect(abs(scaler.denormalise(scaler.normalise(7.25)) - 7.25) < 1e-12)
        #expect(LatencyScaler(fitting: [3, 3]) == nil)
    }
}
