import Picking
import BalancerConfig
import Foundation
import LoadGen
import Testing

@Suite("Scenario files")
struct ScenarioFileTests {
    static let good = """
        duration: 30
        max_requests: 5000
        connections: 16
        profile:
          shape: spike
          base: 100
          factor: 5
          start: 10
          length: 10
        values:
          word: [swift, "data science", nurse]
          job: { min: 1, max: 50 }
        requests:
          - name: search
            weight: 3
            path: /api/v1/jobs?q={{word}}
          - name: apply
            weight: 1
            method: POST
            path: /api/v1/jobs/{{ job }}/applications
            headers:
              Content-Type: application/json
              X-Job: "{{job}}"
            body: '{"job":{{job}},"note":"hello {{user}}"}'
            values:
              user: { min: 1, max: 3 }
        """

    @Test func aScenarioFileGivesTheMixAndTheTestsShape() throws {
        let scenario = try Scenario.parse(yaml: Self.good, file: "good.yaml")
        #expect(scenario.profile == .spike(base: 100, factor: 5, start: 10, length: 10))
        #expect(scenario.duration == 30)
        #expect(scenario.maxRequests == 5000)
        #expect(scenario.connections == 16)

        var random = SplitMix64(seed: 7)
        let requests = (0..<4000).map { _ in scenario.mix.next(&random) }
        let searches = requests.filter { $0.kind == "search" }
        // Weights 3:1.
        #expect((2800...3200).contains(searches.count))
        // Drawn from the list, percent-encoded in the path.
        #expect(Set(searches.map(\.path)) == ["/api/v1/jobs?q=swift", "/api/v1/jobs?q=data%20science", "/api/v1/jobs?q=nurse"])
        let applies = requests.filter { $0.kind == "apply" }
        #expect(applies.allSatisfy { $0.method == "POST" })
        for apply in applies {
            // One draw per request: the path, the header and the body agree on the job.
            let job = try #require(Int(apply.path.split(separator: "/")[3]))
            #expect((1...50).contains(job))
            #expect(apply.headers.map { "\($0.0)=\($0.1)" } == ["Content-Type=application/json", "X-Job=\(job)"])
            let body = try #require(apply.body)
            #expect(body.hasPrefix(#"{"job":\#(job),"note":"hello "#))
            #expect(["1", "2", "3"].contains(String(body.dropLast(2).suffix(1))))
        }
        #expect(Set(applies.map { $0.path }).count > 30)
    }

    @Test func aScenarioFileIsReadFromDisk() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-scenario-\(UUID()).yaml").path
        try Self.good.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Scenario.load(contentsOf: path).duration == 30)
        do throws(ScenarioError) {
            _ = try Scenario.load(contentsOf: path + ".missing")
            Issue.record("a missing file loaded")
        } catch {
            guard case .unreadable(let file, _) = error else { Issue.record("got \(error)"); return }
            #expect(file == path + ".missing")
            #expect(error.description.hasPrefix("\(path).missing: cannot read scenario: "))
        }
    }

    /// The error for `yaml`, and its message.
    func failure(_ yaml: String) throws -> (ScenarioError, String) {
        do throws(ScenarioError) {
            _ = try Scenario.parse(yaml: yaml, file: "bad.yaml")
        } catch {
            return (error, error.description)
        }
        Issue.record("expected an error for:\n\(yaml)")
        return (.unreadable(file: "", reason: ""), "")
    }

    @Test func malformedYAMLIsASyntaxErrorAtItsLine() throws {
        let (error, message) = try failure("requests:\n  - path: /a\n    weight: [1, 2\n")
        guard case .syntax = error else { Issue.record("got \(error)"); return }
        #expect(message.hasPrefix("bad.yaml:4:"))
        #expect(message.contains("YAML syntax error"))
    }

    @Test func anUnknownKeyIsNamedWithTheNearestKnownOne() throws {
        let (error, message) = try failure("requests:\n  - path: /a\n    wieght: 2\n")
        #expect(error == .unknownKey(
            ConfigLocation(file: "bad.yaml", line: 3, column: 5), key: "wieght", section: "requests[0]",
            known: ["name", "method", "path", "headers", "body", "weight", "values"], suggestion: "weight"))
        #expect(message == "bad.yaml:3:5: unknown key 'wieght' in requests[0]; did you mean 'weight'?")
        let (_, top) = try failure("requests:\n  - path: /a\nzzz: 1\n")
        #expect(top.hasPrefix("bad.yaml:3:1: unknown key 'zzz' in the scenario; expected one of requests, values"))
    }

    @Test func aMissingRequiredKeyIsNamed() throws {
        let (error, message) = try failure("requests:\n  - name: x\n    method: GET\n")
        #expect(error == .missingKey(ConfigLocation(file: "bad.yaml", line: 2, column: 5), key: "path", section: "requests[0]"))
        #expect(message == "bad.yaml:2:5: requests[0] is missing the required key 'path'")
        let (none, _) = try failure("duration: 5\n")
        #expect(none == .missingKey(ConfigLocation(file: "bad.yaml", line: 1, column: 1), key: "requests", section: "the scenario"))
    }

    @Test func aValueOfTheWrongShapeSaysWhatWasExpected() throws {
        let (error, message) = try failure("requests:\n  path: /a\n")
        #expect(error == .wrongType(ConfigLocation(file: "bad.yaml", line: 2, column: 3), key: "requests", expected: "a non-empty list of requests"))
        #expect(message.contains("expected a non-empty list of requests"))
        let (values, _) = try failure("values:\n  word: swift\nrequests:\n  - path: /a\n")
        guard case .wrongType(let location, "values.word", _) = values else { Issue.record("got \(values)"); return }
        #expect(location.line == 2 && location.column == 9)
    }

    @Test func aValueOutOfRangeIsAnInvalidValue() throws {
        let (weight, message) = try failure("requests:\n  - path: /a\n    weight: -1\n")
        #expect(weight == .invalidValue(ConfigLocation(file: "bad.yaml", line: 3, column: 13), key: "requests[0].weight", value: "-1", expected: "an integer in 0...1000000"))
        #expect(message.hasPrefix("bad.yaml:3:13: invalid value '-1' for 'requests[0].weight'"))
        let (method, _) = try failure("requests:\n  - path: /a\n    method: get\n")
        guard case .invalidValue(let at, "requests[0].method", "get", _) = method else { Issue.record("got \(method)"); return }
        #expect(at.line == 3)
        let (path, _) = try failure("requests:\n  - path: api/v1\n")
        guard case .invalidValue(_, "requests[0].path", "api/v1", _) = path else { Issue.record("got \(path)"); return }
        let (range, _) = try failure("values:\n  n: { min: 10, max: 1 }\nrequests:\n  - path: /a/{{n}}\n")
        guard case .invalidValue(let rangeAt, "values.n.max", "1", _) = range else { Issue.record("got \(range)"); return }
        #expect(rangeAt.line == 2)
        let (zero, _) = try failure("requests:\n  - { path: /a, weight: 0 }\n")
        guard case .invalidValue(_, "requests", _, _) = zero else { Issue.record("got \(zero)"); return }
    }

    @Test func aTemplateNamingAnUndefinedValueIsLocated() throws {
        let (error, message) = try failure("values:\n  word: [a]\nrequests:\n  - path: /a\n    body: 'x={{wrod}}'\n")
        #expect(error == .unknownPlaceholder(ConfigLocation(file: "bad.yaml", line: 5, column: 11), name: "wrod", defined: ["word"]))
        #expect(message == "bad.yaml:5:11: template uses '{{wrod}}', which is not defined; defined: word")
    }

    @Test func aBadProfileIsLocated() throws {
        let (shape, shapeMessage) = try failure("profile:\n  shape: burst\nrequests:\n  - path: /a\n")
        #expect(shape == .invalidValue(ConfigLocation(file: "bad.yaml", line: 2, column: 10), key: "profile.shape", value: "burst", expected: "constant, ramp, steps or spike"))
        #expect(shapeMessage.hasPrefix("bad.yaml:2:10:"))
        let (key, keyMessage) = try failure("profile:\n  shape: spike\n  base: 10\n  factr: 5\n  start: 1\n  length: 1\nrequests:\n  - path: /a\n")
        guard case .unknownKey(let at, "factr", "profile", _, "factor") = key else { Issue.record("got \(key)"); return }
        #expect(at.line == 4 && at.column == 3)
        #expect(keyMessage.contains("did you mean 'factor'?"))
        let (missing, _) = try failure("profile:\n  shape: ramp\n  from: 1\nrequests:\n  - path: /a\n")
        #expect(missing == .missingKey(ConfigLocation(file: "bad.yaml", line: 2, column: 3), key: "to", section: "profile"))
        let (steps, _) = try failure("profile: { shape: steps, rates: [10, fast], step_seconds: 5 }\nrequests:\n  - path: /a\n")
        guard case .invalidValue(let stepAt, "profile.rates", "fast", _) = steps else { Issue.record("got \(steps)"); return }
        #expect(stepAt.column == 38)
    }
}

@Suite("The documented example scenario")
struct ExampleScenarioTests {
    @Test func theExampleScenarioInDocsParses() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/examples/load-scenario.yaml").path
        let scenario = try Scenario.load(contentsOf: path)
        #expect(scenario.profile == .spike(base: 100, factor: 5, start: 10, length: 10))
        var random = SplitMix64(seed: 1)
        let kinds = Set((0..<500).map { _ in scenario.mix.next(&random).kind })
        #expect(kinds == ["search", "job", "page", "login"])
    }
}
