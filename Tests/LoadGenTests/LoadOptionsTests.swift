import LoadGen
import Testing

/// What `evenkeel load` (and the live check) make of their options: the target URL and the rate profile.
@Suite struct LoadOptionsTests {
    @Test func targetsGiveHostPortAndPathWithIPv6Unbracketed() throws {
        #expect(try HTTPTarget(parsing: "http://127.0.0.1:8080") == HTTPTarget(host: "127.0.0.1", port: 8080, path: "/"))
        let v6 = try HTTPTarget(parsing: "http://[::1]:9090/api/v1/jobs?q=swift")
        #expect(v6.host == "::1")
        #expect(v6.port == 9090)
        #expect(v6.path == "/api/v1/jobs?q=swift")
        #expect(try HTTPTarget(parsing: "HTTP://jobs.example").port == 80)
        #expect(try HTTPTarget(parsing: "https://jobs.example").port == 443)
        #expect(try HTTPTarget(parsing: "https://jobs.example:8443/x").secure)
        #expect(try !HTTPTarget(parsing: "http://jobs.example").secure)
    }

    @Test func badTargetsSayWhatIsWrong() {
        for (text, reason) in [
            ("127.0.0.1:8080", "expected http://HOST:PORT"), ("ftp://a:1", "only http and https"), ("http://", "no host"), ("http://a:70000", "out of range"),
            ("::", "not a URL"),
        ] {
            #expect(throws: HTTPTarget.Invalid.self, "\(text)") { try HTTPTarget(parsing: text) }
            do {
                _ = try HTTPTarget(parsing: text)
            } catch {
                #expect(error.reason.contains(reason), "\(text): \(error.reason)")
            }
        }
    }

    @Test func profilesComeFromTheFirstOptionGiven() throws {
        #expect(try RateProfile.fromOptions() == nil)
        #expect(try RateProfile.fromOptions(rate: 50) == .constant(rate: 50))
        #expect(try RateProfile.fromOptions(ramp: "10:100", rate: 50) == .ramp(from: 10, to: 100))
        #expect(try RateProfile.fromOptions(steps: "60,75,45", stepSeconds: 20) == .steps(rates: [60, 75, 45], step: 20))
        #expect(try RateProfile.fromOptions(spike: "100:5:10:10") == .spike(base: 100, factor: 5, start: 10, length: 10))
    }

    @Test func malformedProfilesNameTheOptionAndTheExpectedShape() {
        for (options, words) in [
            ({ try RateProfile.fromOptions(ramp: "10") }, "--ramp 10: expected 2"),
            ({ try RateProfile.fromOptions(ramp: "10:-5") }, "non-negative"),
            ({ try RateProfile.fromOptions(spike: "100:5:10") }, "--spike 100:5:10: expected 4"),
            ({ try RateProfile.fromOptions(spike: "100:5:10:10:1") }, "expected 4"),
            ({ try RateProfile.fromOptions(steps: "60,,45") }, "--steps 60,,45"),
            ({ try RateProfile.fromOptions(steps: "60", stepSeconds: 0) }, "positive --step-seconds"),
            ({ try RateProfile.fromOptions(rate: 0) }, "--rate"),
        ] as [(() throws -> RateProfile?, String)] {
            do {
                _ = try options()
                Issue.record("accepted, expected an error containing \(words)")
            } catch {
                #expect("\(error)".contains(words), "\(error)")
            }
        }
    }
}
