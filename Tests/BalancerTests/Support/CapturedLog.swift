import Logging
import Synchronization

/// A logger whose lines are kept in memory, so a test can read what the balancer logged.
final class CapturedLog: Sendable {
    struct Line: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])

    /// Every line logged so far, oldest first.
    var all: [Line] { lines.withLock { $0 } }

    /// A logger writing into this capture (at every level).
    var logger: Logger {
        var logger = Logger(label: "evenkeel.test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    /// Waits until a line whose message contains `text` has been logged, and returns it.
    func waitForLine(containing text: String) async throws -> Line {
        while true {
            if let line = all.first(where: { $0.message.contains(text) }) { return line }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    fileprivate func append(_ line: Line) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append(Line(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
        }
    }
}
