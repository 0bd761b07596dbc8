import Foundation
import Testing

/// Runs the release-built `fathom` binary as a user would and captures what it prints.
///
/// The binary is `$FATHOM_BIN`, or `.build/release/fathom` in this checkout (`scripts/test.sh` builds it first).
struct FathomProcess {
    let status: Int32
    let stdout: String
    let stderr: String

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["FATHOM_BIN"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return repoRoot.appendingPathComponent(".build/release/fathom")
    }

    /// Runs `fathom arguments…` in `directory` (the repository root by default), with `environment` added to this
    /// process's environment.
    static func run(_ arguments: [String], in directory: URL = repoRoot, environment: [String: String] = [:]) throws -> FathomProcess {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            Issue.record("no fathom binary at \(binary.path): run `swift build -c release` first or set FATHOM_BIN")
            return FathomProcess(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return FathomProcess(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }

    /// The JSON objects printed one per line.
    var jsonLines: [[String: Any]] {
        stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}
