/// Everything that can go wrong while reading latency data or running a prediction protocol on it.
///
/// Each case carries what a user needs to fix the input: the file, the 1-based line (the header is line 1),
/// the column and the value found. `description` is one clear sentence for the command line.
public enum PredictError: Error, Equatable, CustomStringConvertible {
    /// A file that does not exist or cannot be read.
    case unreadableFile(path: String)
    /// A file that cannot be written.
    case unwritableFile(path: String)
    /// A file with no header line.
    case emptyFile(file: String)
    /// A header that lacks a required column (or has it in the wrong place).
    case missingColumn(file: String, column: String, detail: String)
    /// A header that names the same column twice.
    case duplicateColumn(file: String, column: String)
    /// A row whose number of fields differs from the header's.
    case raggedRow(file: String, line: Int, expected: Int, got: Int)
    /// A field that should hold a number but does not parse as one.
    case notANumber(file: String, line: Int, column: String, value: String)
    /// A latency that is NaN, infinite or negative.
    case invalidLatency(file: String, line: Int, column: String, value: String)
    /// Two rows with the same `arch_index`.
    case duplicateArchIndex(file: String, line: Int, archIndex: Int)
    /// An architecture index that the protocol needs but the file does not have.
    case missingArchIndex(file: String, archIndex: Int)
    /// A device name that is not one of the file's device columns.
    case unknownDevice(file: String, device: String, known: [String])
    /// Latencies that are all equal, so they cannot be min-max normalised.
    case constantLatencies(device: String, what: String)
    /// A request for more samples than the pool holds (or for none).
    case invalidSampleCount(device: String, requested: Int, available: Int)
    /// A row whose architecture columns do not describe an architecture of the space.
    case invalidArchitecture(file: String, line: Int, detail: String)
    /// Adaptation measurements that lack one of the model's reference architectures.
    case missingReference(device: String, arch: String)
    /// A graph encoding asked of a space whose architectures are not cells.
    case notACellSpace(space: String)
    /// A model file written for another search space than the one asked for.
    case modelForAnotherSpace(file: String, modelSpace: String, expected: String)
    /// A model file that does not decode (not JSON, a missing key, parameters that do not fit).
    case corruptModel(file: String, detail: String)
    /// A model file whose kind cannot do what was asked (e.g. predict before adaptation).
    case wrongModelKind(file: String, kind: String, expected: String)
    /// A reference architecture of a model that a table meant to label the samples (`arch_index`) does not hold.
    case referenceNotInTable(file: String, arch: String)
    /// A number of samples to measure for adaptation outside what the model and the table allow: at least the
    /// reference architectures, at most those plus the table's adaptation pool.
    case invalidMeasurementCount(requested: Int, references: Int, pool: Int)
    /// A least-squares fit of a device's latencies with no unique solution.
    case singularFit(device: String)
    /// Too few measurements of a device to adapt a model to it.
    case tooFewMeasurements(device: String, count: Int, needed: Int)

    public var description: String {
        switch self {
        case let .unreadableFile(path):
            return "cannot read file '\(path)': it does not exist or is not readable"
        case let .unwritableFile(path):
            return "cannot write file '\(path)'"
        case let .emptyFile(file):
            return "\(file): the file is empty; expected a header line"
        case let .missingColumn(file, column, detail):
            return "\(file): line 1: column '\(column)' is missing: \(detail)"
        case let .duplicateColumn(file, column):
            return "\(file): line 1: column '\(column)' appears twice"
        case let .raggedRow(file, line, expected, got):
            return "\(file): line \(line): expected \(expected) fields like the header, got \(got)"
        case let .notANumber(file, line, column, value):
            return "\(file): line \(line): column '\(column)': '\(value)' is not a number"
        case let .invalidLatency(file, line, column, value):
            return "\(file): line \(line): column '\(column)': latency '\(value)' must be a finite, non-negative number of milliseconds"
        case let .duplicateArchIndex(file, line, archIndex):
            return "\(file): line \(line): arch_index \(archIndex) appears on an earlier line too"
        case let .missingArchIndex(file, archIndex):
            return "\(file): no row has arch_index \(archIndex), which the protocol needs"
        case let .unknownDevice(file, device, known):
            return "\(file): unknown device '\(device)': the file has \(known.joined(separator: ", "))"
        case let .constantLatencies(device, what):
            return "device '\(device)': the \(what) latencies are all equal, so they cannot be normalised"
        case let .invalidSampleCount(device, requested, available):
            return "device '\(device)': asked for \(requested) samples, but the pool holds \(available) (need 1...\(available))"
        case let .invalidArchitecture(file, line, detail):
            return "\(file): line \(line): not an architecture of the space: \(detail)"
        case let .missingReference(device, arch):
            return "device '\(device)': the measurements lack reference architecture '\(arch)', which the hardware embedding needs"
        case let .notACellSpace(space):
            return "space '\(space)' is not a cell space, so its architectures have no cell graph for a GCN"
        case let .modelForAnotherSpace(file, modelSpace, expected):
            return "\(file): the model is for space '\(modelSpace)', not '\(expected)'"
        case let .corruptModel(file, detail):
            return "\(file): not a valid Fathom predictor model: \(detail)"
        case let .wrongModelKind(file, kind, expected):
            return "\(file): the model is of kind '\(kind)', but this needs \(expected)"
        case let .referenceNotInTable(file, arch):
            return "\(file): the model's reference architecture '\(arch)' is not in the table, so its measurement would have no arch_index"
        case let .invalidMeasurementCount(requested, references, pool):
            return "asked to measure \(requested) architectures, but adaptation needs the model's \(references) reference architectures "
                + "and the table's adaptation pool adds at most \(pool) more (need \(references)...\(references + pool))"
        case let .singularFit(device):
            return "device '\(device)': the latency fit has no unique solution (a positive ridge penalty is needed)"
        case let .tooFewMeasurements(device, count, needed):
            return "device '\(device)': \(count) measurement(s) with a positive median latency, adaptation needs at least \(needed)"
        }
    }
}
