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

    @Test func anUnknownKernelInstructionSetIsRefused() throws {
        let result = try FathomProcess.run(["bench", "gemm", "--m", "8", "--n", "8", "--k", "8", "--threads", "1", "--repeats", "1"],
                                           environment: ["FATHOM_KERNEL_ISA": "avx9"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("FATHOM_KERNEL_ISA=avx9 names no instruction set; expected x86-64-v3 or x86-64-v4"))
    }

    @Test func gemmRejectsNonPositiveSizes() throws {
        let result = try FathomProcess.run(["bench", "gemm", "--m", "0"])
        #expect(result.status != 0 && result.stderr.contains("--m must be a positive integer, got 0"))
    }
}

@Suite struct DeviceCommandTests {
    @Test func infoGivesTheSameIdTwice() throws {
        let a = try FathomProcess.run(["device", "info", "--json", "--no-calibration"])
        let b = try FathomProcess.run(["device", "info", "--json"])
        #expect(a.status == 0 && b.status == 0)
        let first = try #require(a.jsonLines.first), second = try #require(b.jsonLines.first)
        #expect((first["id"] as? String)?.count == 12)
        #expect(first["id"] as? String == second["id"] as? String)
        #expect((first["cores"] as? Int ?? 0) >= 1 && first["isa"] is [String] && first["cpu"] is String)
        #expect((second["calibration_gemm_gflops"] as? Double ?? 0) > 0)
    }
}
