import BalancerConfig
import Testing

/// Each kind of configuration fault must name the exact line and column and say what was expected.
@Suite("Configuration errors")
struct ConfigErrorTests {
    func error(_ yaml: String) -> ConfigError? { loadError(yaml) }

    @Test func unknownKeyIsAnErrorWithTheNearestKnownKey() throws {
        let e = try #require(error("pools:\n  - backends:\n      - address: a:1\n        wieght: 3\n"))
        guard case .unknownKey(let l, let key, _, let suggestion) = e else { Issue.record("got \(e)"); return }
        #expect(l == ConfigLocation(file: "lb.yaml", line: 4, column: 9))
        #expect(key == "wieght")
        #expect(suggestion == "weight")
        #expect(e.description.hasPrefix("lb.yaml:4:9: unknown key 'wieght'"))
        #expect(e.description.contains("did you mean 'weight'"))
    }

    @Test func unknownTopLevelKeyWithoutCloseMatchHasNoSuggestion() throws {
        let e = try #require(error("zzzzzz: 1\npools: []\n"))
        guard case .unknownKey(let l, _, _, let suggestion) = e else { Issue.record("got \(e)"); return }
        #expect(l.line == 1 && l.column == 1)
        #expect(suggestion == nil)
    }

    @Test func anAccessLogNeedsAPathAndAKnownFormat() throws {
        let noPath = try #require(error("access_log: { format: json }\npools:\n  - backends: [{ address: h:1 }]\n"))
        guard case .missingKey(let l, let key, let section) = noPath else { Issue.record("got \(noPath)"); return }
        #expect(l.line == 1 && l.column == 13)
        #expect(key == "path" && section == "access_log")
        let badFormat = try #require(error("pools:\n  - backends: [{ address: h:1 }]\naccess_log:\n  path: a.log\n  format: xml\n"))
        #expect(badFormat.description == "lb.yaml:5:11: invalid value 'xml' for 'access_log.format'; expected text or json")
    }

    @Test func yamlSyntaxErrorIsLocated() throws {
        let e = try #require(error("pools:\n  - backends: [a\n  - x: }\n"))
        guard case .syntax(let l, _) = e else { Issue.record("got \(e)"); return }
        #expect(l.file == "lb.yaml")
        #expect(l.line >= 2)
    }

    @Test func missingPoolsAndMissingAddressAreReported() throws {
        let e1 = try #require(error("backend_header: X-A\n"))
        guard case .missingKey(_, let key1, _) = e1 else { Issue.record("got \(e1)"); return }
        #expect(key1 == "pools")
        let e2 = try #require(error("pools:\n  - backends:\n      - name: a\n"))
        guard case .missingKey(let l, let key2, let section) = e2 else { Issue.record("got \(e2)"); return }
        #expect(key2 == "address")
        #expect(section == "pools[0].backends[0]")
        #expect(l.line == 3 && l.column == 9)
    }

    @Test func wrongTypeNamesTheExpectedShape() throws {
        let e = try #require(error("pools:\n  - backends:\n      - address: a:1\n        weight: [1, 2]\n"))
        guard case .wrongType(let l, let key, let expected) = e else { Issue.record("got \(e)"); return }
        #expect(l.line == 4 && l.column == 17)
        #expect(key == "pools[0].backends[0].weight")
        #expect(expected.contains("integer"))
    }

    @Test func weightOutOfRangeIsInvalid() throws {
        let e = try #require(error("pools:\n  - backends:\n      - address: a:1\n        weight: -2\n"))
        guard case .invalidValue(let l, _, let value, let expected) = e else { Issue.record("got \(e)"); return }
        #expect(l.line == 4 && l.column == 17)
        #expect(value == "-2")
        #expect(expected == "an integer in 0...10000")
    }

    @Test func badAddressesAreInvalid() throws {
        for bad in ["nohost", "host:0", "host:70000", ":80", "a b:80", "host:http"] {
            let e = try #require(error("pools:\n  - backends:\n      - address: \"\(bad)\"\n"), "\(bad)")
            guard case .invalidValue(let l, let key, _, _) = e else { Issue.record("got \(e)"); continue }
            #expect(key == "pools[0].backends[0].address")
            #expect(l.line == 3 && l.column == 18)
        }
    }

    @Test func badDurationIsInvalid() throws {
        let e = try #require(error("timeouts:\n  connect: fast\npools:\n  - backends:\n      - address: a:1\n"))
        guard case .invalidValue(let l, let key, _, let expected) = e else { Issue.record("got \(e)"); return }
        #expect(l.line == 2 && l.column == 12)
        #expect(key == "timeouts.connect")
        #expect(expected.contains("duration"))
    }

    @Test func aTunnelTimeoutUnderASecondIsOutOfRange() throws {
        let e = try #require(error("timeouts:\n  tunnel: 500ms\npools:\n  - backends:\n      - address: a:1\n"))
        guard case .invalidValue(let l, let key, _, let expected) = e else { Issue.record("got \(e)"); return }
        #expect(l.line == 2 && l.column == 11)
        #expect(key == "timeouts.tunnel")
        #expect(expected.contains("between 1s and 86400s"), "\(expected)")
    }

    @Test func unknownAlgorithmSuggestsTheNearestName() throws {
        let e = try #require(error("pools:\n  - algorithm: round_robn\n    backends:\n      - address: a:1\n"))
        guard case .invalidValue(let l, _, _, let expected) = e else { Issue.record("got \(e)"); return }
        #expect(l.line == 2 && l.column == 16)
        #expect(expected.contains("did you mean 'round_robin'"))
    }

    @Test func badHashKeyIsInvalid() throws {
        let e = try #require(error("pools:\n  - algorithm: {type: consistent_hash, key: body}\n    backends:\n      - address: a:1\n"))
        guard case .invalidValue(_, let key, let value, _) = e else { Issue.record("got \(e)"); return }
        #expect(key == "pools[0].algorithm.key")
        #expect(value == "body")
    }

    @Test func duplicateBackendNamesPointAtTheSecondAndNameTheFirst() throws {
        let yaml = "pools:\n  - backends:\n      - name: a\n        address: h:1\n      - name: a\n        address: h:2\n"
        let e = try #require(error(yaml))
        guard case .duplicateName(let l, let kind, let name, let first) = e else { Issue.record("got \(e)"); return }
        #expect(kind == "backend" && name == "a")
        #expect(l.line == 5 && l.column == 15)
        #expect(first.line == 3)
    }

    @Test func duplicateAddressAndPoolWithoutPrimaryAreInconsistent() throws {
        let dup = try #require(error("pools:\n  - backends:\n      - address: h:1\n        name: x\n      - address: h:1\n        name: y\n"))
        guard case .inconsistent(let l, _) = dup else { Issue.record("got \(dup)"); return }
        #expect(l.line == 5)
        let backupOnly = try #require(error("pools:\n  - backends:\n      - address: h:1\n        backup: true\n"))
        guard case .inconsistent(let l2, let problem) = backupOnly else { Issue.record("got \(backupOnly)"); return }
        #expect(l2.line == 3)
        #expect(problem.contains("no primary"))
    }

    @Test func duplicatePoolNamesAndMissingRootPrefixAreRefused() throws {
        let pools = try #require(error("pools:\n  - name: p\n    backends: [{address: h:1}]\n  - name: p\n    path_prefix: /x\n    backends: [{address: h:2}]\n"))
        guard case .duplicateName(let l, let kind, _, _) = pools else { Issue.record("got \(pools)"); return }
        #expect(kind == "pool" && l.line == 4)
        let noRoot = try #require(error("pools:\n  - path_prefix: /api\n    backends: [{address: h:1}]\n"))
        guard case .inconsistent = noRoot else { Issue.record("got \(noRoot)"); return }
    }

    @Test func healthTimeoutLongerThanIntervalIsInconsistent() throws {
        let e = try #require(error("pools:\n  - health: {interval: 1s, timeout: 2s}\n    backends: [{address: h:1}]\n"))
        guard case .inconsistent(let l, _) = e else { Issue.record("got \(e)"); return }
        #expect(l.line == 2)
    }

    @Test func sectionThatIsNotAMappingIsAWrongType() throws {
        let e = try #require(error("limits: 5\npools:\n  - backends: [{address: h:1}]\n"))
        guard case .wrongType(let l, let key, _) = e else { Issue.record("got \(e)"); return }
        #expect(key == "limits")
        #expect(l.line == 1 && l.column == 9)
    }

    @Test func backendNameMustBeSafeInAHeader() throws {
        let e = try #require(error("pools:\n  - backends:\n      - {name: \"a\\r\\nx-evil: 1\", address: h:1}\n"))
        guard case .invalidValue(let l, let key, _, _) = e else { Issue.record("got \(e)"); return }
        #expect(key == "pools[0].backends[0].name")
        #expect(l.line == 3)
    }
}
