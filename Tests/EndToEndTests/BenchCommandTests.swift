import Foundation
import Testing

/// Benchmarks print figures; tests only check that they run and report the documented keys (never a speed).
@Suite struct BenchCommandTests {
    @Test func gemmReportsGflopsAndPeak() throws {
        let result = try FathomProcess.run(["bench", "gemm", "--m", "64", "--n", "48", "--k", "32", "--threads", "1", "--repeats", "2", "--json"])
        #expect(result.status == 0)
        let json = try #require(result.jsonLines.first)
        #expect((json["gflops"] as? Double ?? 0) > 0)
        #expect((json["peak_gflops"] as? Double ?? 0) > 0)
        #expect(json["m"] as? Int == 64)
    }

    @Test func gemmRejectsNonPositiveSizes() throws {
        let result = try FathomProcess.run(["bench", "gemm", "--m", "0"])
        #expect(result.status != 0 && result.stderr.contains("--m must be a positive integer, got 0"))
    }
}
