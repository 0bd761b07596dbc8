import Foundation

/// Writes the files of an export (the model, the reference output), reporting failures as one clear error.
public enum ExportFile {
    /// Writes `data` to `path`, replacing any file there.
    public static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw ONNXError.unwritableFile(path: path, detail: error.localizedDescription)
        }
    }
}
