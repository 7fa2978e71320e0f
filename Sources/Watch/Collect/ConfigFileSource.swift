import BalancerConfig
import ConfigCheck
import Foundation
import Synchronization

/// A balancer configuration file Watch keeps an eye on (`--config FILE`, any dialect ConfigCheck reads): each read
/// hashes it, and a changed file becomes a configuration change with what changed and what ConfigCheck finds in the
/// new text, so a skew behind HAProxy or nginx points at its cause as one behind Evenkeel does.
public final class ConfigFileSource: TrafficSource {
    /// The file.
    public let path: String
    /// The largest file read.
    public let maxBytes: Int
    /// Where the text before each change is kept (for its restore command); nil keeps none.
    public let keepFolder: URL?

    private struct Seen {
        var hash: String
        var text: String
    }

    private let seen = Mutex<Seen?>(nil)

    public init(path: String, maxBytes: Int = 4 << 20, keepFolder: URL? = nil) {
        self.path = path
        self.maxBytes = maxBytes
        self.keepFolder = keepFolder
    }

    public var name: String { path }

    public func read(timeout: Duration) async throws(SourceError) -> SourceReading {
        let text: String
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > maxBytes { throw SourceError.tooLarge(url: path, limit: maxBytes) }
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch let error as SourceError {
            throw error
        } catch {
            throw .unreachable(url: path, reason: error.localizedDescription)
        }
        let hash = FNV1a.hex(text)
        let previous = seen.withLock { s -> Seen? in
            let old = s
            s = Seen(hash: hash, text: text)
            return old
        }
        guard let previous, previous.hash != hash else { return SourceReading(pools: [], changes: []) }
        let diff = Self.describe(from: previous.text, to: text, file: path)
        var change = ConfigChange(at: Date(), source: path, diff: diff, hash: hash, previousHash: previous.hash)
        if let keepFolder {
            let copy = keepFolder.appendingPathComponent("\(URL(fileURLWithPath: path).lastPathComponent).\(previous.hash)")
            do {
                try FileManager.default.createDirectory(at: keepFolder, withIntermediateDirectories: true)
                try Data(previous.text.utf8).write(to: copy, options: .atomic)
                change.previousCopy = copy.path
            } catch {
                // The change is still reported; only its restore command is missing.
            }
        }
        return SourceReading(pools: [], changes: [change])
    }

    /// What changed between two texts of a configuration, and ConfigCheck's errors and warnings in the new one.
    static func describe(from old: String, to new: String, file: String) -> String {
        var parts: [String] = []
        if let before = try? BalancerConfigLoader.parse(yaml: old, file: file), let after = try? BalancerConfigLoader.parse(yaml: new, file: file),
            Dialect.detect(in: new) == .evenkeel
        {
            parts.append(ConfigDiff(from: before, to: after).description)
        } else {
            parts.append(lineDiff(from: old, to: new))
        }
        if let config = try? CheckedConfig.parse(new, file: file) {
            let findings = ConfigChecker().check(config).findings.filter { $0.severity == .error || $0.severity == .warning }
            if !findings.isEmpty {
                parts.append("ConfigCheck: " + findings.prefix(3).map { "\($0.rule) \($0.message)" }.joined(separator: "; "))
            }
        } else {
            parts.append("ConfigCheck cannot read the new text")
        }
        return parts.joined(separator: " · ")
    }

    /// Lines removed and added (trimmed, comments and blank lines left out), at most five of each.
    static func lineDiff(from old: String, to new: String) -> String {
        func lines(_ text: String) -> [String] {
            text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        let before = lines(old), after = lines(new)
        let removed = before.filter { !after.contains($0) }, added = after.filter { !before.contains($0) }
        let text = removed.prefix(5).map { "-\($0)" } + added.prefix(5).map { "+\($0)" }
        return text.isEmpty ? "whitespace or comments only" : text.joined(separator: " ")
    }
}
