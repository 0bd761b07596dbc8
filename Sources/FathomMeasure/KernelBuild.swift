import FathomKernels

/// Identifies the numeric kernels a measurement ran on. Bump `kernelBuildVersion` whenever a kernel change can change
/// speed: measurements stored under another build are a different context and are not reused.
public let kernelBuildVersion = "kernels-3"

/// The kernel build id: the version plus the instruction set the kernels run (`KernelISA.current`: x86-64-v3, or
/// x86-64-v4 where the processor has AVX-512).
public let kernelBuildID = "\(kernelBuildVersion)+\(KernelISA.current.rawValue)"
