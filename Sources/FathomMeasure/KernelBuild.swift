/// Identifies the numeric kernels a measurement ran on. Bump `kernelBuildVersion` whenever a kernel change can change
/// speed: measurements stored under another build are a different context and are not reused.
public let kernelBuildVersion = "kernels-2"

/// The kernel build id: the version plus the instruction set the kernels were compiled for.
public let kernelBuildID = "\(kernelBuildVersion)+x86-64-v3"
