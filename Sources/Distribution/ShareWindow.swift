/// Requests counted per second over the last five minutes, to report a backend's observed share of its
/// pool's traffic over the last 1 and 5 minutes.
public struct ShareWindow: Sendable {
    /// How many seconds it keeps.
    public static let seconds = 300
    private var counts = Array(repeating: 0, count: ShareWindow.seconds)
    private var stamps = Array(repeating: Int64.min, count: ShareWindow.seconds)

    /// An empty window.
    public init() {}

    /// Counts one request in `second`.
    public mutating func record(atSecond second: Int64) {
        let slot = Int(second % Int64(Self.seconds))
        if stamps[slot] != second {
            stamps[slot] = second
            counts[slot] = 0
        }
        counts[slot] += 1
    }

    /// Requests in the `window` seconds up to and including `second`.
    public func count(lastSeconds window: Int, atSecond second: Int64) -> Int {
        var total = 0
        for (slot, stamp) in stamps.enumerated() where stamp > second - Int64(window) && stamp <= second {
            total += counts[slot]
        }
        return total
    }
}
