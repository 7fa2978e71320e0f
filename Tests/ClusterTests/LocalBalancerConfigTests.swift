import Cluster
import Testing
import Yams

/// The balancer configuration `evenkeel up` writes is valid YAML with the replicas, ports and access log it was
/// given, whatever characters the access log's folder has.
@Suite("The configuration `evenkeel up` writes")
struct LocalBalancerConfigTests {
    @Test func itNamesEveryReplicaAndTheAccessLogPathExactly() throws {
        let path = #"/tmp/odd "dir" \ with: colons/access.log"#
        let text = LocalBalancerConfig.yaml(replicas: [("replica-1", 7001), ("replica-2", 7002)], proxyPort: 8080, adminPort: 9090, accessLogPath: path)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let accessLog = try #require(root["access_log"] as? [String: Any])
        #expect(accessLog["path"] as? String == path)
        let pools = try #require(root["pools"] as? [[String: Any]])
        let backends = try #require(pools.first?["backends"] as? [[String: Any]])
        #expect(backends.map { $0["address"] as? String } == ["127.0.0.1:7001", "127.0.0.1:7002"])
        let listeners = try #require(root["listeners"] as? [String: [String: Any]])
        #expect(listeners["proxy"]?["port"] as? Int == 8080)
        #expect(listeners["admin"]?["port"] as? Int == 9090)
    }

    @Test func withoutAnAccessLogPathThereIsNoAccessLog() throws {
        let text = LocalBalancerConfig.yaml(replicas: [("replica-1", 7001)], proxyPort: 8080, adminPort: 9090)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(root["access_log"] == nil)
        #expect((root["pools"] as? [[String: Any]])?.count == 1)
    }
}
