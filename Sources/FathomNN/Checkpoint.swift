import FathomKernels
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A training checkpoint: the step reached and a list of float buffers (weights, running statistics, optimizer
/// velocities, …) with a checksum. Written atomically (temporary file, fsync, rename); the one it replaces is kept as
/// `checkpoint.prev.bin`, and a damaged or truncated current file falls back to it.
///
/// Layout: `FTHMCKPT`, version (UInt32), step (UInt64), buffer count (UInt32), each buffer's length (UInt64), the
/// floats, then the FNV-1a 64 checksum of everything before it (all little-endian).
public enum Checkpoint {
    public static let fileName = "checkpoint.bin"
    public static let previousName = "checkpoint.prev.bin"
    static let magic = Array("FTHMCKPT".utf8)

    /// What `load` found.
    public struct Loaded {
        public let step: Int
        public let file: String
        /// The newer file that was damaged and skipped, if any.
        public let damaged: String?
    }

    /// Writes `buffers` at `step` into `directory` atomically.
    public static func save(step: Int, buffers: [AlignedBuffer], directory: URL) throws {
        var data = Data(magic)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(UInt32(1))
        append(UInt64(step))
        append(UInt32(buffers.count))
        for b in buffers { append(UInt64(b.count)) }
        for b in buffers { data.append(UnsafeBufferPointer(start: b.baseAddress, count: b.count)) }
        append(fnv1a(data))
        let temporary = directory.appendingPathComponent("checkpoint.tmp").path
        let current = directory.appendingPathComponent(fileName).path, previous = directory.appendingPathComponent(previousName).path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw NNError.writeFailed(path: temporary, detail: String(cString: strerror(errno))) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0 else { throw NNError.writeFailed(path: temporary, detail: "short write or fsync failure") }
        if FileManager.default.fileExists(atPath: current) { rename(current, previous) }
        guard rename(temporary, current) == 0 else { throw NNError.writeFailed(path: current, detail: String(cString: strerror(errno))) }
        let directoryFD = open(directory.path, O_RDONLY)
        if directoryFD >= 0 { fsync(directoryFD); close(directoryFD) }
    }

    /// Whether `directory` holds a checkpoint file (good or not).
    public static func exists(in directory: URL) -> Bool {
        [fileName, previousName].contains { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }

    /// Reads the newest good checkpoint of `directory` into `buffers` (whose sizes must match).
    public static func load(into buffers: [AlignedBuffer], directory: URL) throws -> Loaded {
        var damaged: String?
        var reasons: [String] = []
        for name in [fileName, previousName] {
            let path = directory.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                let step = try read(data, into: buffers)
                return Loaded(step: step, file: path, damaged: damaged)
            } catch {
                damaged = damaged ?? path
                reasons.append("\(name): \(error)")
            }
        }
        throw NNError.noCheckpoint(directory: directory.path, detail: reasons.isEmpty ? "no \(fileName)" : reasons.joined(separator: "; "))
    }

    /// The checksum stored in the newest good checkpoint (identifies the weights).
    public static func checksum(in directory: URL) -> UInt64? {
        for name in [fileName, previousName] {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path), data.count >= 8,
                  fnv1a(data.prefix(data.count - 8)) == data.suffix(8).withUnsafeBytes({ $0.loadUnaligned(as: UInt64.self) }) else { continue }
            return data.suffix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        }
        return nil
    }

    private static func read(_ data: Data, into buffers: [AlignedBuffer]) throws -> Int {
        struct Damaged: Error, CustomStringConvertible { let description: String }
        let bytes = [UInt8](data)
        guard bytes.count >= 32, Array(bytes[0..<8]) == magic else { throw Damaged(description: "not a Fathom checkpoint or truncated") }
        let stored = bytes[(bytes.count - 8)...].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        guard fnv1a(Data(bytes[..<(bytes.count - 8)])) == UInt64(littleEndian: stored) else { throw Damaged(description: "checksum mismatch (damaged or truncated)") }
        var offset = 8
        func next<T: FixedWidthInteger>(_: T.Type) -> T {
            defer { offset += MemoryLayout<T>.size }
            return T(littleEndian: bytes[offset...].withUnsafeBytes { $0.loadUnaligned(as: T.self) })
        }
        _ = next(UInt32.self)
        let step = Int(next(UInt64.self))
        let count = Int(next(UInt32.self))
        let lengths = (0..<count).map { _ in Int(next(UInt64.self)) }
        guard lengths == buffers.map(\.count) else {
            throw Damaged(description: "it holds \(count) buffers that do not match this supernet's \(buffers.count) (another config?)")
        }
        bytes.withUnsafeBytes { raw in
            for b in buffers {
                memcpy(b.baseAddress, raw.baseAddress! + offset, b.count * 4)
                offset += b.count * 4
            }
        }
        return step
    }

    static func fnv1a<D: DataProtocol>(_ data: D) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for region in data.regions {
            region.withUnsafeBytes { raw in
                for byte in raw { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            }
        }
        return hash
    }
}
