import Picking


/// Where a template's random value comes from: one of a list, or an integer in a range; drawn afresh for
/// every request so a scenario does not hammer one cached URL.
public enum ValueSource: Sendable, Equatable {
    /// One of these, uniformly.
    case list([String])
    /// An integer in this range, uniformly.
    case range(ClosedRange<Int>)

    /// One value, drawn from `random`.
    public func draw(_ random: inout SplitMix64) -> String {
        switch self {
        case .list(let items):
            return items[Int(random.next() % UInt64(items.count))]
        case .range(let range):
            let span = UInt64(range.upperBound - range.lowerBound) &+ 1
            return String(range.lowerBound + Int(span == 0 ? random.next() >> 1 : random.next() % span))
        }
    }
}
