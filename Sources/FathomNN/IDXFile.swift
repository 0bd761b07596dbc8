import CZlib
import Foundation

/// An IDX file (the MNIST format), plain or gzipped: a magic number `00 00 08 n` (unsigned bytes, `n` dimensions),
/// `n` big-endian 32-bit sizes, then the bytes in row-major order. Gzipped files are read through zlib.
public struct IDXFile: Sendable {
    /// The sizes of each dimension, outermost first (`[60000, 28, 28]` for images, `[60000]` for labels).
    public let dimensions: [Int]
    /// The elements, `dimensions.reduce(1, *)` of them.
    public let bytes: [UInt8]

    /// Reads `path`; a missing file, a bad magic number, an unsupported element type or a file shorter than its
    /// header promises is an `NNError` naming the file.
    public init(path: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw NNError.unreadableFile(path: path, detail: "no such file, or not readable (Fashion-MNIST: apt-get install dataset-fashion-mnist)")
        }
        guard let file = gzopen(path, "rb") else { throw NNError.unreadableFile(path: path, detail: "zlib could not open it") }
        defer { gzclose(file) }
        func read(_ count: Int, _ what: String) throws -> [UInt8] {
            var result = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let chunk = Int32(min(count - done, 1 << 30))
                let n = result.withUnsafeMutableBytes { gzread(file, $0.baseAddress! + done, UInt32(chunk)) }
                guard n > 0 else {
                    throw NNError.malformedIDX(path: path, detail: "truncated: \(what) needs \(count) bytes, only \(done) are there")
                }
                done += Int(n)
            }
            return result
        }
        let magic = try read(4, "the magic number")
        guard magic[0] == 0, magic[1] == 0 else {
            throw NNError.malformedIDX(path: path, detail: "the magic number starts with \(magic[0]) \(magic[1]), expected 0 0")
        }
        guard magic[2] == 0x08 else {
            throw NNError.malformedIDX(path: path, detail: String(format: "element type 0x%02X is not supported (only unsigned bytes, 0x08)", magic[2]))
        }
        guard (1...4).contains(magic[3]) else {
            throw NNError.malformedIDX(path: path, detail: "\(magic[3]) dimensions (expected 1 to 4)")
        }
        let header = try read(4 * Int(magic[3]), "the dimension sizes")
        dimensions = (0..<Int(magic[3])).map { d in header[4 * d..<4 * d + 4].reduce(0) { $0 << 8 | Int($1) } }
        guard dimensions.allSatisfy({ $0 > 0 }), dimensions.reduce(1, *) < 1 << 34 else {
            throw NNError.malformedIDX(path: path, detail: "implausible dimensions \(dimensions)")
        }
        bytes = try read(dimensions.reduce(1, *), "the \(dimensions.map(String.init).joined(separator: "x")) elements")
    }
}
