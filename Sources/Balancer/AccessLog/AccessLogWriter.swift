import BalancerConfig
import Dispatch
import Logging
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends access log lines to a file without ever making an event loop wait for the disk.
///
/// Each event loop formats its records straight into a buffer of its own (``Shard``), so loops never contend for
/// one lock or one cache line. A serial background queue takes a buffer's bytes at most ``flushDelay`` after its
/// first line (sooner when half of ``capacity`` is used) and writes them; lines of different loops are therefore
/// in order per loop, not across loops. Each buffer is bounded: when the disk cannot keep up, lines are dropped and
/// counted (``linesDropped``, `evenkeel_access_log_dropped_lines_total`) instead of memory growing or requests
/// slowing down. Opening the file again (every reload does) lets log rotation move it away.
public final class AccessLogWriter: Sendable {
    /// Most bytes waiting to be written; lines past it are dropped.
    public let capacity: Int
    /// How long a line may wait before it is written.
    public let flushDelay: Duration

    /// The lines one event loop has formatted and the background queue has not written yet.
    final class Shard: Sendable {
        fileprivate struct Buffer {
            var bytes: [UInt8] = []
            var lines = 0
            /// An emptied buffer handed back by the last write, so filling the next allocates nothing.
            var recycled: [UInt8] = []
            var flushScheduled = false
            var urgentFlushScheduled = false
            var dropped = 0
        }

        fileprivate let buffer = Mutex(Buffer())
    }

    private struct Output {
        var descriptor: Int32?
        var path: String?
        var written = 0
        var failed = 0
        /// Whether the last write failed (its error is logged once until a write succeeds).
        var failing = false
    }

    /// One per event loop that has logged (or asked for its shard), created on first use.
    private let shards = Mutex<[ObjectIdentifier: Shard]>([:])
    /// Touched only on `queue` (and under its lock), so writes and reopenings never interleave.
    private let output = Mutex(Output())
    private let queue = DispatchQueue(label: "evenkeel.access-log")
    /// ``flushDelay`` as the queue takes it.
    private let flushInterval: DispatchTimeInterval
    private let logger: Logger

    /// Creates a writer with no file open: lines appended before ``open(path:)`` (or after ``close()``) are discarded.
    public init(capacity: Int = 4 << 20, flushDelay: Duration = .milliseconds(100), logger: Logger) {
        self.capacity = capacity
        self.flushDelay = flushDelay
        self.flushInterval = .nanoseconds(Int(TimeAmount(flushDelay).nanoseconds))
        self.logger = logger
    }

    /// Whether a file is open.
    public var isOpen: Bool { output.withLock { $0.descriptor != nil } }

    /// Lines written to the file so far.
    public var linesWritten: Int { output.withLock { $0.written } }

    /// Lines lost: dropped because a buffer was full, or in a write that failed.
    public var linesDropped: Int {
        allShards.reduce(0) { $0 + $1.buffer.withLock { $0.dropped } } + output.withLock { $0.failed }
    }

    private var allShards: [Shard] { shards.withLock { Array($0.values) } }

    /// The buffer of event loop `loop` (each connection asks once, when it is set up).
    func shard(for loop: any EventLoop) -> Shard {
        shards.withLock { all in
            if let shard = all[ObjectIdentifier(loop)] { return shard }
            let shard = Shard()
            all[ObjectIdentifier(loop)] = shard
            return shard
        }
    }

    /// Opens `path` for appending (creating it if missing) and makes it the file lines go to, after the lines
    /// waiting for the old one are written there. Opening the same path again is how a rotated log is let go.
    /// Throws, and keeps the old file, when `path` cannot be opened.
    public func open(path: String) throws(AccessLogError) {
        let descriptor = openForAppending(path)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        switchOutput(to: descriptor, path: path)
    }

    /// Writes the lines waiting and closes the file; later lines are not kept.
    public func close() {
        switchOutput(to: nil, path: nil)
    }

    /// Writes the lines waiting to the file open now, closes it, and makes `descriptor` the one lines go to.
    private func switchOutput(to descriptor: Int32?, path: String?) {
        queue.sync {
            writeAllPending()
            output.withLock { o in
                if let old = o.descriptor { closeDescriptor(old) }
                o.descriptor = descriptor
                o.path = path
                o.failing = false
            }
        }
    }

    /// Adds `record` as one line in `format` to `shard`, the buffer of the calling event loop. It formats into memory
    /// and returns.
    func append(_ record: AccessLogRecord, format: AccessLogConfig.Format, to shard: Shard) {
        let schedule = shard.buffer.withLock { b -> (later: Bool, now: Bool) in
            guard b.bytes.count < capacity else {
                b.dropped += 1
                return (false, false)
            }
            record.write(format, into: &b.bytes)
            b.lines += 1
            let later = !b.flushScheduled
            b.flushScheduled = true
            let now = !b.urgentFlushScheduled && b.bytes.count >= capacity / 2
            if now { b.urgentFlushScheduled = true }
            return (later, now)
        }
        if schedule.later { queue.asyncAfter(deadline: .now() + flushInterval) { self.writePending(shard) } }
        if schedule.now { queue.async { self.writePending(shard) } }
    }

    /// Runs `body` while writing is held up, as a disk that cannot keep up would (for tests of a full buffer).
    func withWritesHeld(_ body: () -> Void) {
        let gate = DispatchSemaphore(value: 0)
        queue.async { gate.wait() }
        body()
        gate.signal()
    }

    /// Writes the lines waiting in every shard. Runs on `queue` only.
    private func writeAllPending() {
        for shard in allShards { writePending(shard) }
    }

    /// Takes the lines waiting in `shard` and writes them to the file. Runs on `queue` only.
    private func writePending(_ shard: Shard) {
        var (chunk, lines) = shard.buffer.withLock { b -> ([UInt8], Int) in
            var taken = b.recycled
            swap(&taken, &b.bytes)
            b.recycled = []
            defer { b.lines = 0 }
            b.flushScheduled = false
            b.urgentFlushScheduled = false
            return (taken, b.lines)
        }
        defer {
            chunk.removeAll(keepingCapacity: true)
            // A buffer that grew unusually large is not kept for the next lines.
            if chunk.capacity <= capacity * 2 { shard.buffer.withLock { $0.recycled = chunk } }
        }
        guard lines > 0 else { return }
        output.withLock { o in
            guard let descriptor = o.descriptor else { return }
            if let problem = Self.writeAll(chunk, to: descriptor) {
                o.failed += lines
                if !o.failing {
                    o.failing = true
                    logger.error(
                        "access log write failed, lines are being lost: \(problem)",
                        metadata: ["path": "\(o.path ?? "-")", "lines_lost": "\(lines)"])
                }
            } else {
                o.written += lines
                o.failing = false
            }
        }
    }

    /// Writes every byte, going on after partial writes and interruptions; the error text if it cannot.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        bytes.withUnsafeBytes { raw -> String? in
            var offset = 0
            while offset < raw.count {
                let n = writeBytes(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += n
            }
            return nil
        }
    }
}

/// Why the access log could not be used.
public enum AccessLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened for appending.
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the access log '\(path)' (access_log.path) for appending: \(reason)"
        }
    }
}

// The system calls, named apart from the writer's own `open` and `close`, which would hide them inside it.
private func openForAppending(_ path: String) -> Int32 { open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644) }
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }
private func writeBytes(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, bytes, count) }
