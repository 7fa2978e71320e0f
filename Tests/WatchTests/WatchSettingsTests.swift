import BalancerConfig
import Foundation
import Testing
@testable import Watch

@Suite struct WatchSettingsTests {
    @Test func aFileGivesEverySetting() throws {
        let settings = try WatchSettings.parse(
            yaml: """
                balancers: [http://127.0.0.1:9090, http://127.0.0.1:9091]
                listen: 127.0.0.1:9200
                db: /tmp/w.sqlite
                interval: 500ms
                window: 10s
                resolve_after: 30s
                unreachable_after: 3s
                confirmations: 3
                """, file: "watch.yaml")
        #expect(settings.balancers == ["http://127.0.0.1:9090", "http://127.0.0.1:9091"])
        #expect(settings.listenPort == 9200)
        #expect(settings.databasePath == "/tmp/w.sqlite")
        #expect(settings.interval == .milliseconds(500))
        #expect(settings.window == .seconds(10))
        #expect(settings.resolveAfter == 30)
        #expect(settings.unreachableAfter == 3)
        #expect(settings.confirmations == 3)
    }

    @Test func anUnknownKeyIsAnErrorAtItsLineWithTheNearestKnownOne() {
        #expect {
            try WatchSettings.parse(yaml: "balancers: [http://127.0.0.1:9090]\nintervall: 1s\n", file: "watch.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("watch.yaml:2:1") && text.contains("intervall") && text.contains("interval")
        }
    }

    @Test func badValuesSayWhatAndWhere() {
        #expect(throws: ConfigError.self) { try WatchSettings.parse(yaml: "listen: nowhere\n", file: "w.yaml") }
        #expect(throws: ConfigError.self) { try WatchSettings.parse(yaml: "balancers: [ftp://x]\n", file: "w.yaml") }
        #expect(throws: ConfigError.self) { try WatchSettings.parse(yaml: "interval: 5ms\n", file: "w.yaml") }
        #expect(throws: ConfigError.self) { try WatchSettings.parse(yaml: "balancers: [\n", file: "w.yaml") }
    }

    @Test func optionsOverrideTheFileAndAreChecked() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString).yaml").path
        try "balancers: [http://127.0.0.1:9090]\nlisten: 127.0.0.1:9200\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let settings = try WatchOptions(listen: "[::1]:9300", interval: "2s", file: path).settings()
        #expect(settings.balancers == ["http://127.0.0.1:9090"])
        #expect(settings.listenHost == "::1")
        #expect(settings.listenPort == 9300)
        #expect(settings.interval == .seconds(2))
        #expect(throws: WatchOptions.Invalid.self) { try WatchOptions().settings() }
        #expect(throws: WatchOptions.Invalid.self) { try WatchOptions(balancers: ["127.0.0.1:9090"]).settings() }
        #expect(throws: WatchOptions.Invalid.self) { try WatchOptions(balancers: ["http://a"], interval: "fast").settings() }
    }
}
