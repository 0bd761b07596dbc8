import Foundation

/// What a machine is, as far as latency is concerned, with a short stable id.
///
/// The id hashes the fields that change kernel speed and do not change between runs: CPU model name, vendor,
/// family/model/stepping, the ISA flags that matter, logical cores, cache sizes, memory (GiB), OS kernel release,
/// Swift compiler and Fathom's kernel build. Under virtualisation the model name can be as vague as "AMD EPYC", so the
/// fingerprint also carries a calibration (GEMM throughput) that is compared, not hashed: two runs on one machine give
/// the same id, and a calibration that drifts says so (`Calibration.drift(from:)`).
public struct DeviceFingerprint: Codable, Equatable, Sendable {
    public let cpu: String
    public let vendor: String
    public let family: Int?
    public let model: Int?
    public let stepping: Int?
    /// ISA extensions that matter for the kernels (avx2, fma, avx512f, …), sorted.
    public let isa: [String]
    public let cores: Int
    /// Cache sizes of CPU 0 as `L1d 32K, L1i 32K, L2 1024K, L3 32768K`.
    public let caches: String
    public let memoryGiB: Int
    public let os: String
    public let swift: String
    public let kernelBuild: String

    /// ISA flags recorded (others do not affect Fathom's kernels).
    public static let relevantFlags = ["sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "amx_tile", "neon", "asimd"]

    /// Reads this machine's fingerprint from `/proc` and `/sys` (fields unknown on other systems stay empty).
    public static func current() -> DeviceFingerprint {
        let info = cpuInfoFields()
        let flags = Set((info["flags"] ?? info["Features"] ?? "").split(separator: " ").map(String.init))
        return DeviceFingerprint(
            cpu: info["model name"] ?? info["Processor"] ?? "unknown",
            vendor: info["vendor_id"] ?? info["CPU implementer"] ?? "unknown",
            family: info["cpu family"].flatMap { Int($0) },
            model: info["model"].flatMap { Int($0) },
            stepping: info["stepping"].flatMap { Int($0) },
            isa: relevantFlags.filter(flags.contains),
            cores: ProcessInfo.processInfo.activeProcessorCount,
            caches: cacheSummary(),
            memoryGiB: Int((Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824).rounded()),
            os: osRelease(),
            swift: compilerVersion,
            kernelBuild: kernelBuildID)
    }

    /// A 12-hex-digit id (FNV-1a 64 of the stable fields).
    public var id: String {
        let numbers: [String] = [family, model, stepping].map { $0.map(String.init) ?? "" }
        let fields: [String] = [cpu, vendor] + numbers + [isa.joined(separator: ","), String(cores), caches, String(memoryGiB), os, swift, kernelBuild]
        let hex = String(fnv1a64(fields.joined(separator: "\u{1F}")), radix: 16).leftPadded(to: 16)
        return String(hex.prefix(12))
    }

    private static func cpuInfoFields() -> [String: String] {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [:] }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) }
        }
        return fields
    }

    private static func cacheSummary() -> String {
        let base = "/sys/devices/system/cpu/cpu0/cache"
        return (0..<8).compactMap { index -> String? in
            func read(_ name: String) -> String? {
                (try? String(contentsOfFile: "\(base)/index\(index)/\(name)", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let level = read("level"), let type = read("type"), let size = read("size") else { return nil }
            let kind = type == "Data" ? "d" : type == "Instruction" ? "i" : ""
            return "L\(level)\(kind) \(size)"
        }.joined(separator: ", ")
    }

    private static func osRelease() -> String {
        var name = utsname()
        uname(&name)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return "\(text(name.sysname)) \(text(name.release)) \(text(name.machine))"
    }

    private static var compilerVersion: String {
        #if compiler(>=6.4)
        return "swift >=6.4"
        #elseif compiler(>=6.3)
        return "swift 6.3"
        #elseif compiler(>=6.2)
        return "swift 6.2"
        #else
        return "swift <6.2"
        #endif
    }
}

/// FNV-1a, 64-bit: a small, stable, portable hash for ids (not for security).
func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01B3
    }
    return hash
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
