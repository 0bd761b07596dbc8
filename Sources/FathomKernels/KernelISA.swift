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

    /// The instruction set the kernels use: `detected`, unless `FATHOM_KERNEL_ISA` names a narrower one.
    public static let current: KernelISA = {
        guard let requested = ProcessInfo.processInfo.environment["FATHOM_KERNEL_ISA"].flatMap(KernelISA.init(rawValue:)) else {
            return detected
        }
        return requested == .avx512 && detected != .avx512 ? detected : requested
    }()

    /// Whether this processor runs kernels built for `self`.
    public var isSupported: Bool { self == .avx2 || KernelISA.detected == .avx512 }
}
