/// The local addresses a load test's connections come from: one (the system's choice) by default, or N distinct
/// loopback addresses, so a balancer that hashes on the client address sees N clients from one machine. Linux routes
/// all of 127.0.0.0/8 to loopback, so binding to any of them before connecting needs no root and no setup.
public struct ClientAddresses: Sendable, Equatable {
    /// The addresses, in the order connections take them; empty lets the system choose.
    public let addresses: [String]

    /// The system's choice: one address.
    public static let system = ClientAddresses(addresses: [])

    private init(addresses: [String]) { self.addresses = addresses }

    /// `count` loopback addresses (127.0.0.1, 127.0.0.2, … up to 127.0.255.254) for a test against `targetHost`;
    /// `skipping` leaves out the first ones, so two loads running together come from different clients.
    public init(count: Int, targetHost: String, skipping: Int = 0) throws(ClientAddressesError) {
        guard count >= 1, count + skipping <= 65_000, skipping >= 0 else { throw .badCount(count) }
        guard count > 1 || skipping > 0 else {
            self.addresses = []
            return
        }
        guard Self.isLoopback(targetHost) else { throw .notLoopback(targetHost) }
        addresses = (skipping..<(skipping + count)).map { i in "127.0.\(i / 254).\(i % 254 + 1)" }
    }

    /// The address for connection number `worker`, nil for the system's choice.
    public func address(for worker: Int) -> String? { addresses.isEmpty ? nil : addresses[worker % addresses.count] }

    static func isLoopback(_ host: String) -> Bool { host == "localhost" || host.hasPrefix("127.") }
}

/// Why `--client-addresses` cannot be used.
public enum ClientAddressesError: Error, CustomStringConvertible, Equatable {
    case badCount(Int)
    case notLoopback(String)

    public var description: String {
        switch self {
        case .badCount(let n): "--client-addresses \(n): 1 to 65000 addresses"
        case .notLoopback(let host):
            "--client-addresses needs a loopback target (127.0.0.0/8 or localhost): connections come from 127.0.0.x, which \(host) cannot answer"
        }
    }
}
