import Testing
import FathomPredict

@Suite struct LatencyTableTests {
    @Test func parsesNasBench201() throws {
        let table = try HELPData.nasbench201.get()
        #expect(table.count == 15625)
        #expect(table.architectureColumns == ["arch_string"])
        #expect(table.devices.count == 19)
        #expect(table.devices.first == "1080ti_1")
        #expect(table.archIndices.first == 0 && table.archIndices.last == 15624)
        #expect(table.archKeys[1] == "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
        #expect(try table.latencies(device: "1080ti_1")[0] == 10.75437068939209)
        #expect(try table.latencies(device: "essential_ph_1")[1] == 18)
    }

    @Test func parsesFBNet() throws {
        let table = try HELPData.fbnet.get()
        #expect(table.count == 5000)
        #expect(table.architectureColumns == ["arch_string", "op_indices"])
        #expect(table.devices.count == 19)
        #expect(table.architectureFields[1][0] == "7 8 1 8 4 8 8 8 7 4 1 4 7 3 2 7 3 2 4 2 4 5")
        #expect(table.archKeys[0].hasPrefix("k5_e6-skip-k3_e1_g2-"))
    }

    @Test func parsesOFAAndJoinsItsArchitectureColumns() throws {
        let table = try HELPData.ofa.get()
        #expect(table.count == 5000)
        #expect(table.architectureColumns == ["ks", "e", "d", "r"])
        #expect(table.devices == ["2080ti_1", "2080ti_32", "2080ti_64", "titan_rtx_1", "titan_rtx_32",
                                  "titan_xp_1", "titan_xp_32", "titan_xp_64", "v100_1", "v100_32", "v100_64"])
        #expect(table.archKeys[0] == "7 5 5 5 7 7 5 7 5 7 3 7 5 3 7 3 5 3 5 3|6 4 4 6 6 3 4 3 3 6 3 3 3 6 3 4 6 4 3 6|2 2 2 2 3|204")
        #expect(try table.latencies(device: "v100_64")[0] == 21.807122230529785)
    }

    @Test func acceptsCarriageReturnsAndBlankLines() throws {
        let table = try LatencyTable(csvText: "arch_index,arch_string,cpu\r\n\r\n7,a,1.5\r\n3,b,2\r\n", name: "t.csv")
        #expect(table.archIndices == [7, 3])
        #expect(try table.latencies(device: "cpu") == [1.5, 2])
        #expect(try table.row(ofArchIndex: 3) == 1)
    }

    @Test func reportsAMissingFile() {
        #expect(throws: PredictError.unreadableFile(path: "/no/such/latency.csv")) {
            try LatencyTable(contentsOf: "/no/such/latency.csv")
        }
    }

    @Test(arguments: [
        ("", PredictError.emptyFile(file: "t.csv")),
        ("arch_string,cpu\nx,1\n", .missingColumn(file: "t.csv", column: "arch_index", detail: "the header must start with it, found 'arch_string'")),
        ("arch_index,arch_string\n0,x\n", .missingColumn(file: "t.csv", column: "<device>", detail: "no device columns after the architecture columns")),
        ("arch_index,cpu,cpu\n0,1,1\n", .duplicateColumn(file: "t.csv", column: "cpu")),
        ("arch_index,arch_string,cpu\n0,x,1\n1,y\n", .raggedRow(file: "t.csv", line: 3, expected: 3, got: 2)),
        ("arch_index,arch_string,cpu\nzero,x,1\n", .notANumber(file: "t.csv", line: 2, column: "arch_index", value: "zero")),
        ("arch_index,arch_string,cpu\n0,x,1.5ms\n", .notANumber(file: "t.csv", line: 2, column: "cpu", value: "1.5ms")),
        ("arch_index,arch_string,cpu\n0,x,\n", .notANumber(file: "t.csv", line: 2, column: "cpu", value: "")),
        ("arch_index,arch_string,cpu\n0,x,nan\n", .invalidLatency(file: "t.csv", line: 2, column: "cpu", value: "nan")),
        ("arch_index,arch_string,cpu\n0,x,-0.5\n", .invalidLatency(file: "t.csv", line: 2, column: "cpu", value: "-0.5")),
        ("arch_index,arch_string,cpu\n0,x,1\n0,y,2\n", .duplicateArchIndex(file: "t.csv", line: 3, archIndex: 0)),
    ])
    func reportsBadInput(text: String, expected: PredictError) {
        #expect(throws: expected) { try LatencyTable(csvText: text, name: "t.csv") }
    }

    @Test func reportsAnUnknownDeviceAndArchIndex() throws {
        let table = try LatencyTable(csvText: "arch_index,arch_string,cpu,gpu\n0,x,1,2\n", name: "t.csv")
        #expect(throws: PredictError.unknownDevice(file: "t.csv", device: "tpu", known: ["cpu", "gpu"])) {
            try table.latencies(device: "tpu")
        }
        #expect(throws: PredictError.missingArchIndex(file: "t.csv", archIndex: 5)) { try table.row(ofArchIndex: 5) }
    }
}
