import Foundation
import NIOCore
import NIOPosix

/// Logs in some of the job board's demo seekers before a test, so the built-in mix can apply to jobs the way
/// seekers do (a POST with a session token), not only read.
public enum JobBoardSessions {
    /// The outcome of logging in: the tokens had, and why there are fewer than asked for, if there are.
    public struct Outcome: Sendable {
        public var tokens: [String]
        public var problem: String?
    }

    /// Logs in seekers 1…`count` (`seekerN@example.com` / `password-N`, as `evenkeel seed` creates them) over one
    /// connection and returns their bearer tokens. Stops at the first refusal (unseeded database, rate limit)
    /// and says why; never throws, because a test without applications is still a test.
    public static func logIn(
        seekers count: Int, host: String, port: Int, timeout: Double = 5,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, tls: ClientTLS? = nil
    ) async -> Outcome {
        guard count > 0 else { return Outcome(tokens: [], problem: nil) }
        let wait = TimeAmount.milliseconds(Int64(timeout * 1000))
        let connection: HTTPConnection
        do {
            connection = try await HTTPConnection.connect(
                host: host, port: port, backendHeaders: [], timeout: wait, group: group, bodyLimit: 64 * 1024, tls: try tls?.makeContext())
        } catch {
            return Outcome(tokens: [], problem: "cannot connect to \(host):\(port) to log in seekers")
        }
        var tokens: [String] = []
        var problem: String?
        for n in 1...count {
            guard let response = try? await connection.send(.seekerLogin(n), host: "\(host):\(port)", timeout: wait) else {
                problem = "logging in seeker\(n)@example.com got no answer"
                break
            }
            guard response.status == 200,
                let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                let token = object["token"] as? String
            else {
                problem = "logging in seeker\(n)@example.com answered \(response.status)"
                    + (response.status == 429 ? " (rate limited: start serve with --no-rate-limits for load tests)" : "")
                break
            }
            tokens.append(token)
        }
        await connection.close()
        return Outcome(tokens: tokens, problem: problem)
    }
}
