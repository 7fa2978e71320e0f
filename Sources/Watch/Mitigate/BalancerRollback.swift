import AsyncHTTPClient
import BalancerAPI
import Foundation
import NIOCore
import NIOHTTP1

/// Asks an Evenkeel balancer to go back to a configuration it kept (`POST /admin/rollback?to=HASH`), with its admin
/// token. The balancer applies it through the same gate as a reload, so a rollback it would refuse changes nothing.
public struct BalancerRollback: Sendable {
    /// What the balancer answered.
    public enum Outcome: Sendable, Equatable {
        /// It answered with its reload event: applied, unchanged or refused (with the reason).
        case answered(ReloadEvent)
        /// It said no before trying: no such kept configuration, a wrong token, … (HTTP status and its words).
        case rejected(status: Int, reason: String)
        /// No answer.
        case unreachable(String)

        /// One line for a timeline.
        public var description: String {
            switch self {
            case .answered(let event):
                var text = "\(event.result.rawValue)"
                if !event.diff.isEmpty { text += ": \(event.diff)" }
                if let error = event.error { text += " (\(error))" }
                if !event.warnings.isEmpty { text += " [warnings: \(event.warnings.joined(separator: "; "))]" }
                return text
            case .rejected(let status, let reason): return "refused by the balancer (HTTP \(status)): \(reason)"
            case .unreachable(let reason): return "the balancer did not answer: \(reason)"
            }
        }

        /// Whether the balancer is now serving the configuration asked for.
        public var applied: Bool {
            if case .answered(let event) = self { return event.result == .applied || event.result == .unchanged }
            return false
        }
    }

    let client: HTTPClient
    /// The admin token file (`listeners.admin.token_file` of the balancer); nil sends none.
    let tokenFile: String?

    public init(client: HTTPClient, tokenFile: String?) {
        self.client = client
        self.tokenFile = tokenFile
    }

    /// Rolls the balancer at `adminURL` back to the configuration with `hash`.
    public func rollback(adminURL: String, to hash: String) async -> Outcome {
        var base = adminURL
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: "\(base)/admin/rollback?to=\(hash.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? hash)")
        request.method = .POST
        if let tokenFile {
            guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty
            else { return .rejected(status: 0, reason: "cannot read the admin token file \(tokenFile)") }
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let body = Data((try await response.body.collect(upTo: 1 << 20)).readableBytesView)
            if let event = try? BalancerAPIVersion.decoder().decode(ReloadEvent.self, from: body) { return .answered(event) }
            return .rejected(status: Int(response.status.code), reason: String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            return .unreachable("\(error)")
        }
    }
}
