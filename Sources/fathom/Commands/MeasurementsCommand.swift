import ArgumentParser
import FathomExperiments
import FathomMeasure
import FathomSpaces
import Foundation

/// `fathom measurements …`: what the measurement store holds, and HELP-layout exports of it.
struct MeasurementsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measurements",
        abstract: "The measurement store: list its devices, export a device's latencies in HELP's CSV layout.",
        subcommands: [Devices.self, Export.self]
    )

    struct Devices: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the devices in the store.", discussion: "Example: fathom measurements devices --json")

        @Option(help: "The measurement store (default: $FATHOM_STORE or device-measurements/local/fathom.sqlite).") var store: String?
        @Flag(help: "Print one JSON object per device.") var json = false

        struct Row: Encodable {
            let id: String
            let cpu: String
            let cores: Int
            let kernelBuild: String
            let measurements: Int
            let firstSeen: Date
            let lastSeen: Date
        }

        func run() throws {
            let devices = try MeasurementStore(path: try MeasurementStore.location(option: store)).devices()
            let rows = devices.map { Row(id: $0.id, cpu: $0.fingerprint.cpu, cores: $0.fingerprint.cores, kernelBuild: $0.fingerprint.kernelBuild,
                                         measurements: $0.measurements, firstSeen: $0.firstSeen, lastSeen: $0.lastSeen) }
            if json { return try rows.forEach { print(try MeasureJSON.line($0)) } }
            print(textTable(header: ["device", "cpu", "cores", "kernel build", "measurements"],
                            rows: rows.map { [$0.id, $0.cpu, "\($0.cores)", $0.kernelBuild, "\($0.measurements)"] }))
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one device's latencies of a space as a HELP latency table (arch_index blank outside HELP's table).",
            discussion: "Example: fathom measurements export --device 3f2a9c01b7de --space nasbench201 --csv nb201-here.csv"
        )

        @Option(help: "The device id (see `fathom measurements devices`).") var device: String
        @Option(help: "A built-in space name or a path to a space JSON file.") var space: String
        @Option(help: "The CSV file to write.") var csv: String
        @Option(help: "Images per run of the measurements to export.") var batch: Int = 1
        @Option(help: "Threads of the measurements to export (needed when the store holds several).") var threads: Int?
        @Flag(help: "Export the measurements that kept NAS-Bench-201's dead edges.") var keepDeadEdges = false
        @Option(help: "The measurement store (default: $FATHOM_STORE or device-measurements/local/fathom.sqlite).") var store: String?

        func run() throws {
            let measurementStore = try MeasurementStore(path: try MeasurementStore.location(option: store))
            _ = try measurementStore.device(device)
            let searchSpace = try SearchSpace.load(space)
            let inContext = try measurementStore.measurements(device: device, space: searchSpace.name).filter {
                $0.context.batch == batch && $0.context.keepsDeadEdges == keepDeadEdges && (threads == nil || $0.context.threads == threads)
            }
            let threadCounts = Set(inContext.map(\.context.threads)).sorted()
            guard threadCounts.count <= 1 else { throw MeasureError.severalThreadCounts(device: device, space: space, threads: threadCounts) }
            guard !inContext.isEmpty else {
                let context = "batch \(batch)\(threads.map { ", \($0) threads" } ?? ""), dead edges \(keepDeadEdges ? "kept" : "dropped")"
                throw MeasureError.noMeasurements(device: device, space: space, context: context)
            }
            let table = try helpTable(searchSpace)
            let text = try HELPLayout.csv(space: searchSpace, column: device, measurements: inContext) { try? table?.row(of: $0) }
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: csv), options: .atomic) } catch {
                throw MeasureError.cannotWrite(path: csv, reason: error.localizedDescription)
            }
            printNote("wrote \(inContext.count) architectures of \(device) to \(csv)")
        }

        /// HELP's latency table of the space, when Fathom ships one.
        private func helpTable(_ space: SearchSpace) throws -> ArchitectureTable? {
            let folders = ["nasbench201": "nasbench201", "fbnet": "fbnet", "ofa-mbv3": "ofa"]
            guard let folder = folders[space.name] else { return nil }
            return try ArchitectureTable(path: try ProjectFiles.url("device-measurements/help/\(folder)/latency.csv").path, space: space)
        }
    }
}
