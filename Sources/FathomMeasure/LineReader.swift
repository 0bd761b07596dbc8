import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads newline-terminated lines from a file descriptor with a deadline, so that a peer that hangs cannot hang the
/// reader (`poll` before every `read`).
final class LineReader {
    /// What a read ended with.
    enum Outcome: Equatable {
        case line(String)
        case endOfFile
        case timedOut
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// The next line (without its newline), end of file, or a timeout after `seconds`.
    func next(within seconds: Double) throws -> Outcome {
        let deadline = monotonicNanoseconds() + UInt64(max(seconds, 0) * 1e9)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return .line(line)
            }
            let now = monotonicNanoseconds()
            guard now < deadline else { return .timedOut }
            var target = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&target, 1, Int32(min((deadline - now) / 1_000_000 + 1, UInt64(Int32.max))))
            if ready < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            guard ready > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            if count == 0 { return .endOfFile }
            buffer += chunk[..<count]
        }
    }
}
