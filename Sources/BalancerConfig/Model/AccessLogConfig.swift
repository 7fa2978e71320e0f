/// The access log: one line per request the balancer handled, written to a file off the event loops. Off unless
/// the configuration has an `access_log` section.
public struct AccessLogConfig: Sendable, Equatable {
    /// How each line is written.
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// Space-separated fields with `key=value` for the proxy's own, for people and `grep`.
        case text
        /// One JSON object per line, for log shippers.
        case json
    }

    /// The file lines are appended to (created if missing); a relative path is taken from the working directory.
    /// It is opened again on every reload, so a rotated log is picked up by SIGHUP.
    public var path: String
    /// How each line is written.
    public var format: Format

    /// Creates an access log configuration; text lines unless `format` says otherwise.
    public init(path: String, format: Format = .text) {
        self.path = path
        self.format = format
    }
}
