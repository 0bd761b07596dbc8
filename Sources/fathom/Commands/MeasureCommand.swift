import ArgumentParser
import FathomMeasure
import FathomSpaces
import Foundation

/// `fathom measure`: time architectures on this machine (or through `--agent`) and keep the results in the store.
struct MeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure",
        abstract: "Time architectures with Fathom's kernels to ±2% (median, p10/p90, interval) and keep them in the measurement store.",
        discussion: """
        A stored measurement of the same device, context (batch, threads, dead edges, kernel build) and architecture is
        reused unless --fresh, after a quick calibration confirms that the machine has not drifted. With --archs, the
        architectures are timed interleaved in groups and each group is stored at once, so a killed run resumes.
        Examples:
          fathom measure nasbench201 --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|' --json
          fathom spaces sample nasbench201 --count 30 --seed 0 > archs.jsonl && fathom measure nasbench201 --archs archs.jsonl --json
          fathom measure fmnist-cell --arch '…' --agent 'ssh host fathom agent --stdio'
        """
    )

    @Argument(help: "A built-in space name or a path to a space JSON file.") var space: String
    @Option(help: "The architecture in the space's canonical string form.") var arch: String?
    @Option(help: "A JSON-lines file whose lines carry \"arch\" (as `fathom spaces sample` prints).") var archs: String?
    @OptionGroup var measurement: MeasurementOptions
    @Flag(help: "Measure again even where the store holds a measurement.") var fresh = false
    @Flag(help: "Also time every layer and report the sum of layer medians against the whole network.") var perLayer = false
    @Option(help: "Architectures timed interleaved per group.") var group: Int = 4
    @Flag(help: "Print one JSON object per architecture.") var json = false

    func validate() throws {
        guard (arch == nil) != (archs == nil) else { throw ValidationError("give exactly one of --arch and --archs") }
        guard group > 0 else { throw ValidationError("--group must be positive") }
    }

    func run() throws {
        let searchSpace = try SearchSpace.load(space)
        let list = try arch.map { [$0] } ?? ArchsFile.read(archs!)
        let canonical = try list.map { searchSpace.format(try searchSpace.parse($0)) }
        let settings = measurement.settings(fresh: fresh)
        let session = try settings.openSession(log: printNote)
        var reused = 0
        try session.measure(space: searchSpace, spaceArgument: space, archs: canonical, context: settings.context, policy: settings.policy,
                            perLayer: perLayer, groupSize: group, progress: { done, total in
                                if archs != nil { printNote("measured \(done)/\(total) (\(reused) reused from the store)") }
                            }, emit: { result in
                                if result.reused { reused += 1 }
                                try show(MeasurementReport(result))
                            })
    }

    private func show(_ report: MeasurementReport) throws {
        if json { return print(try MeasureJSON.line(report)) }
        let note = [report.converged ? nil : "interval not within ±2%", report.reused ? "reused from the store" : nil].compactMap { $0 }
        print(String(format: "%@: median %.4f ms (p10 %.4f, p90 %.4f, 95%% interval %.4f–%.4f, %d runs%@) on %@", report.arch, report.medianMs,
                     report.p10Ms, report.p90Ms, report.ciLowMs, report.ciHighMs, report.runs,
                     note.isEmpty ? "" : ", " + note.joined(separator: ", "), report.device))
        guard let profile = report.perLayer else { return }
        print(textTable(header: ["op", "layers", "total ms"], rows: profile.byOp.map { [$0.op, "\($0.layers)", String(format: "%.4f", $0.totalMs)] }))
        print(String(format: "sum of layer medians %.4f ms / network median %.4f ms = %.3f", profile.sumOfLayersMs, profile.networkMs, profile.ratio))
    }
}

/// Reads the architectures of an `--archs` JSON-lines file.
enum ArchsFile {
    static func read(_ path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw SpaceError.unreadableFile(path: path) }
        return try text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            guard !line.allSatisfy(\.isWhitespace) else { return nil }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let arch = object["arch"] as? String else {
                throw MeasureError.badArchsFile(path: path, line: index + 1, reason: "expected a JSON object with a string \"arch\"")
            }
            return arch
        }
    }
}

/// Writes a note to stderr.
func printNote(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
