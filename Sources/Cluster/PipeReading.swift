import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a child process's output. Foundation's `FileHandle.availableData` and `readDataToEndOfFile()` trap when a
/// signal interrupts their read (EINTR; seen in the test suite while other children started and ended); these retry.
public enum PipeReading {
    /// The next bytes `handle` gives, waiting for some; empty at the end of the file.
    public static func chunk(from handle: FileHandle) throws -> Data {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(buffer[0..<count]) }
            guard errno == EINTR else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }
    }

    /// What `handle` gives until `enough` says the bytes so far will do, the file ends, or `deadline` has passed
    /// (looked at between reads). A read that fails ends it as the end of the file would.
    public static func until(from handle: FileHandle, deadline: ContinuousClock.Instant? = nil, _ enough: (Data) -> Bool) -> Data {
        var data = Data()
        while !enough(data) {
            if let deadline, ContinuousClock.now > deadline { break }
            guard let chunk = try? chunk(from: handle), !chunk.isEmpty else { break }
            data.append(chunk)
        }
        return data
    }

    /// Everything `handle` gives until the end of the file.
    public static func toEnd(from handle: FileHandle) throws -> Data {
        var data = Data()
        while true {
            let chunk = try chunk(from: handle)
            if chunk.isEmpty { return data }
            data.append(chunk)
        }
    }
}
