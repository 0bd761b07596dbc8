import CFathomCPU
import Foundation

/// The instruction set the kernels run: AVX2 + FMA (x86-64-v3) everywhere, and AVX-512 (x86-64-v4) micro-kernels from
/// `FathomKernelsAVX512` where CPUID and the operating system say the processor runs them. On processors with two
/// 512-bit FMA units (Intel Xeon since Skylake-SP) AVX-512 doubles the FMA peak; on AMD Zen 4 it adds registers, not
/// FMA throughput. The choice is made once per process; `FATHOM_KERNEL_ISA=x86-64-v3` forces the AVX2 kernels (to
/// compare the two, or to measure as a machine without AVX-512 would run).
public enum KernelISA: String, Sendable, CaseIterable {
    case avx2 = "x86-64-v3"
    case avx512 = "x86-64-v4"

    /// The widest instruction set this processor runs.
    public static let detected: KernelISA = fathom_cpu_has_avx512() != 0 ? .avx512 : .avx2

    /// The instruction set the kernels use: `detected`, unless `FATHOM_KERNEL_ISA` names another one. A value that
    /// names no instruction set, or one this processor does not run, stops the process with one line saying so (exit
    /// status 2): a measurement must never run on other kernels than the ones asked for.
    public static let current: KernelISA = {
        guard let value = ProcessInfo.processInfo.environment["FATHOM_KERNEL_ISA"], !value.isEmpty else { return detected }
        let names = allCases.map(\.rawValue).joined(separator: " or ")
        guard let requested = KernelISA(rawValue: value) else {
            FileHandle.standardError.write(Data("fathom: FATHOM_KERNEL_ISA=\(value) names no instruction set; expected \(names)\n".utf8))
            exit(2)
        }
        guard requested.isSupported else {
            FileHandle.standardError.write(Data("fathom: FATHOM_KERNEL_ISA=\(value): this processor does not run \(value) kernels\n".utf8))
            exit(2)
        }
        return requested
    }()

    /// Whether this processor runs kernels built for `self`.
    public var isSupported: Bool { self == .avx2 || KernelISA.detected == .avx512 }
}
