import Crypto
import Foundation

/// A person allowed to act on incidents: acknowledge, add notes, resolve. Watch keeps only a hash of each token, so
/// its configuration file gives nobody a usable credential.
public struct Operator: Sendable, Equatable {
    /// The name shown in timelines and notifications ("alice").
    public var name: String
    /// The team: actions are told to the other one.
    public var team: Audience
    /// SHA-256 of the token, in lowercase hex.
    public var tokenSHA256: String

    /// Creates an operator.
    public init(name: String, team: Audience, tokenSHA256: String) {
        self.name = name
        self.team = team
        self.tokenSHA256 = tokenSHA256.lowercased()
    }

    /// The hash stored for `token`.
    public static func hash(token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A new random token: 32 bytes, URL-safe base64.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
