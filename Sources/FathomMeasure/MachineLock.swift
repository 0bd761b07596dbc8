import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A machine-wide lock (an advisory `flock` on a file) so that only one measurement runs on a machine at a time:
/// parallel jobs would spoil each other's timings (the default file, in the temporary directory). The measurement
/// store takes one on its own file while it opens. The lock dies with its process or the object.
public final class MachineLock {
    private let descriptor: Int32

    /// The lock file every Fathom process on this machine shares.
    public static let defaultPath = "/tmp/fathom-measure.lock"

    /// Blocks until the lock is held; `onWait` is called once if another process holds it.
    public init(path: String = MachineLock.defaultPath, onWait: () -> Void = {}) throws {
        descriptor = open(path, O_CREAT | O_RDWR, 0o666)
        guard descriptor >= 0 else { throw MeasureError.lockUnavailable(path: path, reason: String(cString: strerror(errno))) }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            onWait()
            guard flock(descriptor, LOCK_EX) == 0 else {
                close(descriptor)
                throw MeasureError.lockUnavailable(path: path, reason: String(cString: strerror(errno)))
            }
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
