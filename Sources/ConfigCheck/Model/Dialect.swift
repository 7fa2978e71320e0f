import Foundation
/// The configuration languages `evenkeel check` reads.
public enum Dialect: String, Sendable, Codable, CaseIterable {
    /// Evenkeel's own balancer YAML.
    case evenkeel
    /// An HAProxy configuration (`haproxy.cfg`).
    case haproxy
    /// An nginx configuration, or a part of one with `upstream` blocks.
    case nginx

    /// Guesses the dialect of a configuration from its text: YAML keys for Evenkeel, section keywords at
    /// the start of lines for HAProxy, braces and semicolons for nginx. Nil when nothing gives it away.
    public static func detect(in text: String) -> Dialect? {
        var haproxySections = 0
        var nginxBlocks = 0
        var semicolonLines = 0
        var yamlKeys = 0
        for rawLine in text.split(whereSeparator: \.isNewline).prefix(5_000) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            guard let first = line.first, first != "#" else { continue }
            let word = String(line.prefix { !$0.isWhitespace && $0 != "{" && $0 != ";" })
            let unindented = rawLine.first.map { !$0.isWhitespace } ?? false
            if unindented, ["global", "defaults", "frontend", "backend", "listen", "resolvers", "peers", "userlist"].contains(word) {
                haproxySections += 1
            }
            if ["http", "upstream", "server", "events", "stream", "location"].contains(word), line.contains("{") { nginxBlocks += 1 }
            if line.last == ";" { semicolonLines += 1 }
            if unindented, ["pools:", "listeners:", "timeouts:", "limits:", "backend_header:"].contains(where: { line.starts(with: $0) }) {
                yamlKeys += 1
            }
        }
        if yamlKeys > 0 && nginxBlocks == 0 { return .evenkeel }
        if nginxBlocks > 0 { return .nginx }
        if haproxySections > 0 { return .haproxy }
        if semicolonLines > 0 { return .nginx }
        return nil
    }

    /// Whether a file found in a folder may be a balancer configuration: by its ending, or with none at all
    /// (nginx's `sites-enabled/default`); its text then decides.
    static func mayHold(fileName: String) -> Bool {
        let name = fileName.split(separator: "/").last.map(String.init) ?? fileName
        guard !name.hasPrefix(".") else { return false }
        return !name.contains(".") || [".yaml", ".yml", ".cfg", ".conf"].contains { name.hasSuffix($0) }
    }
}
