import BalancerAPI
import Foundation
import Logging
import Synchronization

/// The last configurations the balancer applied, with their full text, kept in memory and in a folder next to the
/// configuration file (`.NAME.history/`), so a rollback to the one before works after a restart too.
public final class ConfigHistory: Sendable {
    /// How many are kept.
    public let capacity: Int
    /// Where they are written; nil keeps them in memory only.
    public let folder: URL?
    private let versions: Mutex<[ConfigVersion]>
    private let logger: Logger

    /// The history of the configuration file at `configPath` (nil: memory only), as earlier runs left it.
    public init(configPath: String?, capacity: Int = 20, logger: Logger = Logger(label: "evenkeel.balancer")) {
        self.capacity = max(2, capacity)
        self.logger = logger
        folder = configPath.map { path in
            let file = URL(fileURLWithPath: path)
            return file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).history", isDirectory: true)
        }
        versions = Mutex(Self.load(from: folder, logger: logger))
    }

    /// Every kept version, oldest first.
    public var all: [ConfigVersion] { versions.withLock { $0 } }

    /// The kept version with `hash`.
    public func version(hash: String) -> ConfigVersion? { versions.withLock { $0.last { $0.hash == hash } } }

    /// The newest kept version that is not `current`: what a rollback goes back to.
    public func previous(before current: String) -> ConfigVersion? {
        versions.withLock { list in
            // The serving one is the newest entry with its hash; the one before it is the version to go back to.
            guard let serving = list.lastIndex(where: { $0.hash == current }) else { return list.last { $0.hash != current } }
            return list[..<serving].last { $0.hash != current }
        }
    }

    /// Records an applied configuration (nothing when it is the newest already), and writes it to the folder.
    public func record(_ version: ConfigVersion) {
        let dropped: [ConfigVersion]? = versions.withLock { list in
            if list.last?.hash == version.hash { return nil }
            list.append(version)
            let excess = max(0, list.count - capacity)
            let dropped = Array(list.prefix(excess))
            list.removeFirst(excess)
            return dropped
        }
        guard let dropped, let folder else { return }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let data = try BalancerAPIVersion.encoder().encode(version)
            try data.write(to: folder.appendingPathComponent(Self.fileName(version)), options: .atomic)
            for old in dropped { try? FileManager.default.removeItem(at: folder.appendingPathComponent(Self.fileName(old))) }
        } catch {
            logger.error("could not keep the configuration in the history folder", metadata: ["folder": "\(folder.path)", "error": "\(error)"])
        }
    }

    /// `TIME-HASH.json`, so the folder sorts oldest first.
    static func fileName(_ version: ConfigVersion) -> String {
        "\(String(format: "%017.6f", version.appliedAt.timeIntervalSince1970))-\(version.hash).json"
    }

    private static func load(from folder: URL?, logger: Logger) -> [ConfigVersion] {
        guard let folder, let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        let decoder = BalancerAPIVersion.decoder()
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            do {
                return try decoder.decode(ConfigVersion.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
            } catch {
                logger.warning("skipping an unreadable configuration in the history folder", metadata: ["file": "\(name)", "error": "\(error)"])
                return nil
            }
        }
    }
}
