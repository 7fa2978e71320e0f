import Synchronization

/// A small number per backend address (`host:port`), the same in every configuration generation: upstream
/// connection pools index their idle connections by it. A finished request gives its connection back and the next
/// one takes it, so an array index instead of a `String`-keyed dictionary saves two string hashes per request.
///
/// Numbers are never reused; a process sees as many as it has seen distinct backend addresses.
enum UpstreamAddressID {
    private static let assigned = Mutex<[String: Int]>([:])

    /// The number of `address`, assigned on first use.
    static func of(_ address: String) -> Int {
        assigned.withLock { ids in
            if let id = ids[address] { return id }
            let id = ids.count
            ids[address] = id
            return id
        }
    }
}
