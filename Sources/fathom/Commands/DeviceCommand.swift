import ArgumentParser
import FathomMeasure
import Foundation

/// `fathom device info`: this machine's fingerprint and calibration.
struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "This machine as the measurement agent sees it.",
        subcommands: [Info.self]
    )

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "CPU, ISA flags, cores, caches, memory, OS, compiler and kernel build, a stable short id, and a calibration run.",
            discussion: "Example: fathom device info --json"
        )

        @Flag(help: "Print one JSON object.") var json = false
        @Flag(help: "Skip the calibration micro-benchmark.") var noCalibration = false

        struct Output: Encodable {
            let id: String
            let cpu: String
            let vendor: String
            let family: Int?
            let model: Int?
            let stepping: Int?
            let isa: [String]
            let cores: Int
            let caches: String
            let memory_gib: Int
            let os: String
            let swift: String
            let kernel_build: String
            let calibration_gemm_gflops: Double?
            let calibration_fma_peak_gflops: Double?
        }

        func run() throws {
            let f = DeviceFingerprint.current()
            let calibration = noCalibration ? nil : Calibration.run()
            let out = Output(id: f.id, cpu: f.cpu, vendor: f.vendor, family: f.family, model: f.model, stepping: f.stepping,
                             isa: f.isa, cores: f.cores, caches: f.caches, memory_gib: f.memoryGiB, os: f.os, swift: f.swift,
                             kernel_build: f.kernelBuild, calibration_gemm_gflops: calibration?.gemmGflops,
                             calibration_fma_peak_gflops: calibration?.fmaPeakGflops)
            if json { return try printJSONLine(out) }
            var rows = [["id", f.id], ["cpu", f.cpu], ["vendor", f.vendor],
                        ["family/model/stepping", [f.family, f.model, f.stepping].map { $0.map(String.init) ?? "?" }.joined(separator: "/")],
                        ["isa", f.isa.joined(separator: " ")], ["cores", "\(f.cores)"], ["caches", f.caches],
                        ["memory", "\(f.memoryGiB) GiB"], ["os", f.os], ["compiler", f.swift], ["kernel build", f.kernelBuild]]
            if let c = calibration {
                rows.append(["calibration", String(format: "SGEMM 256³ %.1f GFLOP/s, FMA peak %.1f GFLOP/s (1 thread)", c.gemmGflops, c.fmaPeakGflops)])
            }
            print(textTable(header: ["field", "value"], rows: rows))
        }
    }
}
