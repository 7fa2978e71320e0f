import Foundation
import BalancerConfig
import Testing

@Suite("Configuration hash and diff")
struct ConfigIdentityTests {
    func config(_ yaml: String) throws -> BalancerConfiguration { try BalancerConfigLoader.parse(yaml: yaml) }

    let base = """
        pools:
          - name: web
            backends:
              - {name: a, address: "h:1", weight: 1}
              - {name: b, address: "h:2", weight: 2}
        """

    @Test func hashIsStableAndIgnoresSpellingOfDefaults() throws {
        let a = try config(base)
        let b = try config(base + "\n    algorithm: round_robin\n# a comment\n")
        #expect(a.configHash == b.configHash)
        #expect(a.configHash.count == 16)
        #expect(try config(base).configHash == a.configHash)
    }

    @Test func hashChangesWhenAnyValueChanges() throws {
        let a = try config(base)
        let b = try config(base.replacingOccurrences(of: "weight: 2", with: "weight: 3"))
        let c = try config(base + "\ntimeouts: {connect: 3s}\n")
        #expect(a.configHash != b.configHash)
        #expect(a.configHash != c.configHash)
    }

    @Test func diffReportsBackendsWeightsAndAlgorithm() throws {
        let old = try config(base)
        let new = try config("""
            pools:
              - name: web
                algorithm: random
                backends:
                  - {name: b, address: "h:2", weight: 5}
                  - {name: c, address: "h:3"}
            """)
        let diff = ConfigDiff(from: old, to: new)
        #expect(diff.backendsAdded == ["web/c"])
        #expect(diff.backendsRemoved == ["web/a"])
        #expect(diff.weightChanges == [ConfigDiff.WeightChange(pool: "web", backend: "b", from: 2, to: 5)])
        #expect(diff.algorithmChanges.map(\.to) == [.random])
        #expect(!diff.otherChanges)
        #expect(diff.description == "+backend web/c; -backend web/a; weight web/b 2→5; algorithm web round_robin→random")
    }

    @Test func diffOfIdenticalConfigsIsEmptyAndOtherChangesAreFlagged() throws {
        #expect(ConfigDiff(from: try config(base), to: try config(base)).isEmpty)
        let diff = ConfigDiff(from: try config(base), to: try config(base + "\nlimits: {queue_size: 7}\n"))
        #expect(diff.otherChanges)
        #expect(!diff.isEmpty)
    }
}
