import Foundation
import Testing
@testable import FathomKernels

/// The CPUID probe behind the AVX-512 kernels, against what the Linux kernel reports.
@Suite struct KernelISATests {
    @Test func detectionAgreesWithProcCpuinfo() throws {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return }
        let flags = Set(flagsLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
        let hasAVX512 = ["avx512f", "avx512dq", "avx512bw", "avx512vl"].allSatisfy(flags.contains)
        #expect((KernelISA.detected == .avx512) == hasAVX512)
        #expect(flags.contains("avx2") && flags.contains("fma"))
    }

    @Test func currentInstructionSetRunsHere() {
        #expect(KernelISA.current.isSupported)
        #expect(KernelISA.avx2.isSupported)
        #expect(KernelISA.avx512.isSupported == (KernelISA.detected == .avx512))
    }
}
