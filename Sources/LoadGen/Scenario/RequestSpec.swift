/// One request to send.
public struct RequestSpec: Sendable, Equatable {
    /// Groups requests in the report (e.g. "search", "job page").
    public var kind: String
    public var method: String
    public var path: String
    public var headers: [(String, String)]
    public var body: String?

    public init(kind: String, method: String = "GET", path: String, headers: [(String, String)] = [], body: String? = nil) {
        self.kind = kind
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    public static func == (lhs: RequestSpec, rhs: RequestSpec) -> Bool {
        lhs.kind == rhs.kind && lhs.method == rhs.method && lhs.path == rhs.path && lhs.body == rhs.body
            && lhs.headers.map { "\($0.0):\($0.1)" } == rhs.headers.map { "\($0.0):\($0.1)" }
    }
}

extension RequestSpec {
    /// Logs in demo seeker `n` (`seekerN@example.com` / `password-N`, as `evenkeel seed` creates them).
    static func seekerLogin(_ n: Int) -> RequestSpec {
        RequestSpec(
            kind: "login", method: "POST", path: "/api/v1/auth/login", headers: [("Content-Type", "application/json")],
            body: #"{"email":"seeker\#(n)@example.com","password":"password-\#(n)"}"#)
    }
}
